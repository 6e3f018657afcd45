"""One RabbitMQ user per registered service, allowed only the names it uses (issue 11 item 2).

Derived from contracts.registry and contracts.events, so a new service gets its user and its
permissions with its registry entry. What each name is for (nameko's and servicekit's names):

- `nameko-rpc` (topic exchange): a worker's `rpc-<service>_<level>` queue is bound to it with
  `<service>_<level>.*`; the caller (the gateway) publishes `<service>_<level>.<method>` and
  binds its `rpc.reply-gateway-<uuid>` queue with the `<uuid>` the replies are published to.
  Topic permissions check those routing keys, on publish and on bind: without them anyone
  allowed to bind a queue to `nameko-rpc` could bind it with `#` and read every call.
- `<service>.events`: only its own service publishes there (the outbox relay, which also
  declares its subscribers' queues); subscribers bind their queues
  `evt-<source>-<event>--<service>.<method>` with the event's name.
- `minsheng.retry.<ms>ms` and `minsheng.dead-letter`, and `<queue>.dead`: a failed delivery's
  copies (servicekit.retry). A delay queue dead-letters through the default exchange, and
  RabbitMQ asks for write on `amq.default` to declare one.

`ops` (topology job, dead-letter command, management UI) may do everything; guest does not
exist. `python -m servicekit.brokerusers FILE` writes RabbitMQ definitions with each user's
password hash, from `RABBITMQ_<USER>_PASSWORD`: no password is ever in the repository.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from contracts import registry
from contracts.events import EVENTS, SUBSCRIPTIONS, Subscription

OPS_USER = "ops"
RPC_EXCHANGE = "nameko-rpc"
DEAD_LETTER_EXCHANGE = "minsheng.dead-letter"
RETRY_NAMES = r"minsheng\.retry\.[0-9]+ms"
# nameko's reply routing key: a UUID (no `{n}` quantifiers: RabbitMQ expands `{…}` variables).
UUID_KEY = r"[0-9a-f]+(-[0-9a-f]+)+"
PASSWORD_MIN = 16
PASSWORD_REFUSED = (
    "缺少或过短的消息队列密码 {names}（至少 {min} 个字符，例如 openssl rand -hex 24），"
    "拒绝生成 (broker passwords missing or shorter than {min} characters: {names})"
)


@dataclass(frozen=True)
class Grant:
    """A user's vhost permissions and its topic permissions per exchange (write, read)."""

    configure: str
    write: str
    read: str
    topics: dict[str, tuple[str, str]]


def anchored(*patterns: str) -> str:
    """One regex matching exactly one of the patterns (RabbitMQ searches, it does not match)."""
    return "^(" + "|".join(sorted(set(patterns))) + ")$"


def literal(*names: str) -> list[str]:
    return [re.escape(name) for name in names]


def events_exchange(source: str) -> str:
    return f"{source}.events"


def queues(subscriptions: Iterable[Subscription]) -> list[str]:
    """Each subscription's queue and its `.dead` queue."""
    return [re.escape(s.queue) + r"(\.dead)?" for s in subscriptions]


def one_of(names: Iterable[str]) -> str:
    """Exactly one of these literal names, or nothing at all when there are none."""
    escaped = literal(*names)
    return anchored(*escaped) if escaped else "^$"


def service_names(service: registry.Service) -> str:
    """`<service>_<level>`: the nameko service name of each of its levels' workers."""
    return re.escape(f"{service.name}_") + "(" + "|".join(service.levels) + ")"


def worker_grant(service: registry.Service) -> Grant:
    name = service.name
    own = [s for s in SUBSCRIPTIONS if s.consumer == name]
    published = [s for s in SUBSCRIPTIONS if s.event.source == name]
    sources = sorted({s.event.source for s in own} - {name})
    rpc_queue = "rpc-" + service_names(service)
    event_queues = queues(own) + queues(published)
    shared = [rpc_queue, *event_queues, RETRY_NAMES, *literal(RPC_EXCHANGE, DEAD_LETTER_EXCHANGE)]
    exchanges = literal(events_exchange(name), *map(events_exchange, sources))
    topics = {
        # Replies go to the caller's UUID; its own queues are bound with `<name>_<level>.*`.
        RPC_EXCHANGE: (anchored(UUID_KEY), anchored(service_names(service) + r"\.\*")),
        events_exchange(name): (
            one_of(e.name for e in EVENTS.values() if e.source == name),
            one_of(s.event.name for s in published),
        ),
    }
    for source in sources:
        topics[events_exchange(source)] = (
            "^$",
            one_of(s.event.name for s in own if s.event.source == source),
        )
    return Grant(
        configure=anchored(*shared, *exchanges),
        # amq.default: declaring a delay queue that dead-letters through it needs write on it.
        write=anchored(*shared, *literal(events_exchange(name), "amq.default")),
        read=anchored(*shared, *exchanges),
        topics=topics,
    )


def caller_grant(service: registry.Service) -> Grant:
    """The gateway: calls every routed worker and reads its own reply queues."""
    reply = re.escape(f"rpc.reply-{service.name}-") + UUID_KEY
    targets = [service_names(s) for s in registry.WORKERS if s.routed]
    names = anchored(reply, *literal(RPC_EXCHANGE))
    calls = anchored(*(target + r"\.[a-z0-9_]+" for target in targets))
    return Grant(names, names, names, {RPC_EXCHANGE: (calls, anchored(UUID_KEY))})


def grants() -> dict[str, Grant]:
    found = {s.name: worker_grant(s) if s.leveled else caller_grant(s) for s in registry.SERVICES}
    found[OPS_USER] = Grant(".*", ".*", ".*", {})
    return found


def users() -> tuple[str, ...]:
    return (*(s.name for s in registry.SERVICES), OPS_USER)


def password_variable(user: str) -> str:
    return f"RABBITMQ_{user.upper()}_PASSWORD"


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    digest = hashlib.sha256(salt + password.encode()).digest()
    return base64.b64encode(salt + digest).decode()


def definitions(passwords: dict[str, str], vhost: str = "/") -> dict[str, Any]:
    """RabbitMQ definitions (load_definitions): the vhost, each user with its password hash,
    its permissions and topic permissions. No guest: a node that loads definitions at boot
    creates no default user."""
    granted = grants()
    return {
        "vhosts": [{"name": vhost}],
        "users": [
            {
                "name": user,
                "password_hash": password_hash(passwords[user]),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": ["administrator"] if user == OPS_USER else [],
            }
            for user in users()
        ],
        "permissions": [
            {
                "user": user,
                "vhost": vhost,
                "configure": grant.configure,
                "write": grant.write,
                "read": grant.read,
            }
            for user, grant in granted.items()
        ],
        "topic_permissions": [
            {"user": user, "vhost": vhost, "exchange": exchange, "write": write, "read": read}
            for user, grant in granted.items()
            for exchange, (write, read) in grant.topics.items()
        ],
    }


def passwords_from_env() -> dict[str, str]:
    found = {user: os.environ.get(password_variable(user), "") for user in users()}
    short = [password_variable(u) for u, p in found.items() if len(p) < PASSWORD_MIN]
    if short:
        raise SystemExit(PASSWORD_REFUSED.format(names=", ".join(short), min=PASSWORD_MIN))
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法 (usage): python -m servicekit.brokerusers DEFINITIONS.json", file=sys.stderr)
        return 2
    document = definitions(passwords_from_env(), os.environ.get("RABBITMQ_VHOST", "/"))
    # Salted hashes only; the broker reads the file as another user, in another container.
    descriptor = os.open(argv[0], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    count = len(document["users"])
    print(f"已写入 {count} 个消息队列用户 (wrote {count} broker users): {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
