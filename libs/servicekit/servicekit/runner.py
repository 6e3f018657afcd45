"""Start one service's workers: `python -m servicekit.runner collection`.

The level is configuration: WORKER_LEVEL=township starts `collection_township`; `all` starts
one container per level in this process (a small deployment). The service's `configure` runs
first and may refuse the start (a missing signing secret, or MINSHENG_TODAY outside
development: servicekit.config.ConfigError, one line, status 5); then the service migrates
(MIGRATE=0 skips it when a deploy job already did), the broker and the ports are checked with
a one-line answer instead of a hang or a traceback, and /metrics is served on METRICS_PORT.

Stopping: SIGTERM or SIGINT stops the containers once (running workers finish); a second signal,
or STOP_GRACE seconds without the stop completing, ends the process at once. nameko's own
`nameko.cli.run.run` lets SIGINT raise KeyboardInterrupt wherever the hub happens to be, which
can kill the queue consumer's greenlet; a SIGTERM then starts a second stop that waits forever
for that greenlet (`QueueConsumer.unregister_provider`): a Ctrl-C followed by `make run`'s
SIGTERM hung every worker until `make run` SIGKILLed it 15 s later.
"""

import eventlet

eventlet.monkey_patch()

import errno
import gc
import importlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from types import FrameType, ModuleType
from typing import Any

from contracts.events import Subscription
from nameko.runners import ServiceRunner
from nameko.web.handlers import HttpRequestHandler

from . import config, metrics
from . import logging as jsonlog
from .consumer import ContractEventHandler
from .levels import logical_name, service_name_for
from .migrate import upgrade_service
from .startup import BROKER_HELP, broker_reachable, split_address, taken_ports_message

LOGGER = "servicekit.runner"  # also when run as __main__
log = logging.getLogger(LOGGER)

# Seconds a stop may take before the process ends regardless (workers still running are cut:
# their messages were not acknowledged, so the broker hands them to another worker).
STOP_GRACE = 3.0
# Exit status of a process refused for its configuration (2 usage, 3 broker, 4 ports taken).
CONFIG_REFUSED = 5
# The unpatched modules, loaded now rather than inside a signal handler.
_real_threading = eventlet.patcher.original("threading")
_real_time = eventlet.patcher.original("time")


def service_classes(module: ModuleType) -> list[type[Any]]:
    """One class per configured level (`collection_township`, …), or the class itself."""
    base = module.SERVICE
    if not getattr(module, "LEVELED", True):
        return [base]
    return [
        type(f"{base.__name__}_{level}", (base,), {"name": service_name_for(base.name, level)})
        for level in config.worker_levels()
    ]


def subscriptions_of(cls: type[Any]) -> list[Subscription]:
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


def _exit_now(message: str, code: int = 1) -> None:
    """One JSON log line on stderr and the end of the process, from any thread or handler:
    no eventlet, no logging locks, no interpreter shutdown that could wait on anything."""
    line = {"level": "error", "logger": LOGGER, "msg": message, "request_id": None}
    with suppress(OSError):
        os.write(2, (json.dumps(line, ensure_ascii=False) + "\n").encode())
    os._exit(code)


def _start_watchdog(seconds: float) -> None:
    """A real OS thread (not a green one: it must fire even if the hub is stuck) that ends the
    process if the stop has not completed after `seconds`."""

    def watch() -> None:
        _real_time.sleep(seconds)
        _exit_now(f"停止超时 {seconds:g} 秒，强制退出 (stop took over {seconds:g} s; exiting)")

    _real_threading.Thread(target=watch, name="stop-watchdog", daemon=True).start()


class _Stopper:
    """SIGTERM and SIGINT both ask for one graceful stop; a second signal ends the process.

    A signal handler runs between two bytecodes of whatever greenlet is current, so it only
    schedules `runner.stop` on the hub (as nameko's own SIGTERM handler does); a signal that
    arrives while the containers are still starting is acted on once `start` returns."""

    def __init__(self, runner: ServiceRunner, grace: float = STOP_GRACE):
        self.runner, self.grace = runner, grace
        self.started = False
        self.requested: int | None = None

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self.on_signal)
        signal.signal(signal.SIGINT, self.on_signal)

    def on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if self.requested is not None:
            name = signal.Signals(signum).name
            _exit_now(f"停止中再次收到 {name}，立即退出 (signal again while stopping: exiting)")
        self.requested = signum
        _start_watchdog(self.grace)
        if self.started:
            eventlet.spawn_n(self.stop)

    def mark_started(self) -> None:
        self.started = True
        if self.requested is not None:
            eventlet.spawn_n(self.stop)

    def stop(self) -> None:
        log.info("收到 %s，正在停止 (stopping)", signal.Signals(self.requested or 0).name)
        self.runner.stop()


def run(classes: list[type[Any]], nameko_config: dict[str, Any], grace: float = STOP_GRACE) -> None:
    """nameko.cli.run.run with one stop per process (see the module's docstring)."""
    runner = ServiceRunner(nameko_config)
    for cls in classes:
        runner.add_service(cls)
    stopper = _Stopper(runner, grace)
    stopper.install()
    runner.start()
    stopper.mark_started()
    # A signal that interrupts the hub's wait surfaces as EINTR in the waiting greenlet (nameko
    # wraps `wait` the same way).
    runnlet = eventlet.spawn(runner.wait)
    while True:
        try:
            runnlet.wait()
            return
        except OSError as exc:
            if exc.errno != errno.EINTR:
                raise


def uses_http(classes: list[type[Any]]) -> bool:
    return any(
        isinstance(entrypoint, HttpRequestHandler)
        for cls in classes
        for attribute in dir(cls)
        for entrypoint in getattr(getattr(cls, attribute, None), "nameko_entrypoints", ())
    )


def ports_message(classes: list[type[Any]], nameko_config: dict[str, Any]) -> str | None:
    """The one-line answer when this process's ports (its /metrics, and WEB_SERVER_ADDRESS if
    it serves HTTP) are taken, naming who holds them; None when they are free."""
    addresses = []
    port = int(config.env("METRICS_PORT", "0"))
    if port:
        addresses.append((config.env("METRICS_ADDR", "127.0.0.1"), port))
    if uses_http(classes):
        web = str(nameko_config.get("WEB_SERVER_ADDRESS") or config.env("WEB_SERVER_ADDRESS", ""))
        addresses.append(split_address(web or "0.0.0.0:8000", "0.0.0.0"))
    return taken_ports_message(addresses, "设置 METRICS_PORT / WEB_SERVER_ADDRESS")


def configured(service: str) -> tuple[ModuleType, dict[str, Any]]:
    """The service's module and its nameko config; raises config.ConfigError when a setting
    it cannot run without is missing (a signing secret), before anything else is touched."""
    module = importlib.import_module(f"{service}.service")
    config.identity_key()  # every process seals or checks the caller's identity (fail closed)
    config.event_key()  # and signs or checks events (a short EVENT_SECRET: one line, no start)
    config.dev_today()  # a made-up business date (MINSHENG_TODAY) only with MINSHENG_DEV=1
    nameko_config = config.nameko_config()
    if hasattr(module, "configure"):
        nameko_config = module.configure(nameko_config)
    return module, nameko_config


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法 (usage): python -m servicekit.runner <service>", file=sys.stderr)
        return 2
    service = argv[0]
    # Until the containers run there is nothing to stop gracefully: a signal ends the process
    # (no KeyboardInterrupt traceback from the middle of an import or a migration).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    jsonlog.configure(config.env("LOG_LEVEL", "INFO"))
    try:
        module, nameko_config = configured(service)
    except config.ConfigError as exc:
        print(exc, file=sys.stderr)
        return CONFIG_REFUSED
    uri = str(nameko_config["AMQP_URI"])
    if not broker_reachable(uri):
        print(BROKER_HELP.format(uri=uri.split("@")[-1]), file=sys.stderr)
        return 3
    if config.env("MIGRATE", "1") != "0":
        upgrade_service(service)
    classes = service_classes(module)
    taken = ports_message(classes, nameko_config)
    if taken:
        print(taken, file=sys.stderr)
        return 4
    serve_metrics(module, uri)
    freeze_startup_objects()
    print(f"{service}: 启动 {', '.join(c.name for c in classes)} (pid {os.getpid()})", flush=True)
    folder = config.env("PROFILE_TO", "")
    level = config.env("WORKER_LEVEL", "all")
    profiled(
        folder and f"{folder}/{service}-{level}-{os.getpid()}.prof", run, classes, nameko_config
    )
    return 0


def profiled(path: str, serve: Callable[..., None], *args: Any) -> None:
    """`serve(*args)`, under cProfile when `path` is set (PROFILE_TO, a benchmark's `--profile`):
    the stats are written there once the containers have stopped."""
    if not path:
        serve(*args)
        return
    import cProfile

    profile = cProfile.Profile()
    try:
        profile.runcall(serve, *args)
    finally:
        profile.dump_stats(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
