"""Start one service's workers: `python -m servicekit.runner collection`.

The level is configuration: WORKER_LEVEL=township starts `collection_township`; `all` starts
one container per level in this process (a small deployment). The service migrates first
(MIGRATE=0 skips it when a deploy job already did), the broker is checked with a one-line
answer instead of a hang, and /metrics is served on METRICS_PORT.
"""

import eventlet

eventlet.monkey_patch()

import gc
import importlib
import os
import sys
from types import ModuleType

from contracts.events import Subscription
from kombu import Connection
from nameko.cli.run import run

from . import config, metrics
from . import logging as jsonlog
from .consumer import ContractEventHandler
from .levels import logical_name, service_name_for
from .migrate import upgrade_service

BROKER_HELP = (
    "无法连接消息队列 RabbitMQ：{uri} — 请先启动 RabbitMQ（本机：rabbitmq-server -detached；"
    "容器：docker compose up -d rabbitmq），或设置 AMQP_URI。"
    "(RabbitMQ unreachable; start one or set AMQP_URI.)"
)


def broker_reachable(uri: str) -> bool:
    try:
        with Connection(uri, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1, timeout=3)
        return True
    except Exception:
        return False


def service_classes(module: ModuleType) -> list[type]:
    """One class per configured level (`collection_township`, …), or the class itself."""
    base = module.SERVICE
    if not getattr(module, "LEVELED", True):
        return [base]
    return [
        type(f"{base.__name__}_{level}", (base,), {"name": service_name_for(base.name, level)})
        for level in config.worker_levels()
    ]


def subscriptions_of(cls: type) -> list[Subscription]:
    """The event subscriptions a service class declares with @consumes."""
    found = []
    for attribute in dir(cls):  # dir, not vars: entrypoints also come from mixin classes
        member = getattr(cls, attribute, None)
        for entrypoint in getattr(member, "nameko_entrypoints", ()):
            if isinstance(entrypoint, ContractEventHandler):
                found.append(Subscription(entrypoint.spec, logical_name(cls.name), attribute))
    return found


def serve_metrics(module: ModuleType, amqp_uri: str) -> None:
    """Register the process's scrape-time collectors (dead letters; the service module's own
    `collectors()`, which read its database) and serve /metrics if METRICS_PORT is set."""
    subscriptions = subscriptions_of(module.SERVICE)
    if subscriptions:
        metrics.REGISTRY.register(metrics.DeadLetterCollector(amqp_uri, subscriptions))
    for collector in getattr(module, "collectors", list)():
        metrics.REGISTRY.register(collector)
    port = int(config.env("METRICS_PORT", "0"))
    if port:
        metrics.serve(port, config.env("METRICS_ADDR", "127.0.0.1"))


def freeze_startup_objects() -> None:
    """Move everything built at start (modules, SQLAlchemy and marshmallow machinery, nameko's
    containers) out of the garbage collector's reach. Otherwise each full collection walks
    that whole heap and stalls the hub: at 32 clients, 100 ms pauses every few seconds doubled
    the intake's p99. Nothing built at start is garbage, so nothing is lost."""
    gc.collect()
    gc.freeze()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法 (usage): python -m servicekit.runner <service>", file=sys.stderr)
        return 2
    service = argv[0]
    jsonlog.configure(config.env("LOG_LEVEL", "INFO"))
    nameko_config = config.nameko_config()
    uri = str(nameko_config["AMQP_URI"])
    if not broker_reachable(uri):
        print(BROKER_HELP.format(uri=uri.split("@")[-1]), file=sys.stderr)
        return 3
    if config.env("MIGRATE", "1") != "0":
        upgrade_service(service)
    module = importlib.import_module(f"{service}.service")
    classes = service_classes(module)
    if hasattr(module, "configure"):
        nameko_config = module.configure(nameko_config)
    serve_metrics(module, uri)
    freeze_startup_objects()
    print(f"{service}: 启动 {', '.join(c.name for c in classes)} (pid {os.getpid()})", flush=True)
    run(classes, nameko_config)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
