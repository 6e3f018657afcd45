"""The processes of the platform, in one place: the composition root (ARCHITECTURE §4).

`make run`, `make migrate`, the test harness, the gateway's health report and the level routing
read this tuple; the files that must stay static (docker-compose.yml, deploy/prometheus.yml,
deploy/postgres) are checked against it by tests that name what is missing. Adding a service is
one entry here plus its own folders (docs/adding-a-service.md).

`reference.SERVICES` is the vocabulary of the architecture (every event source, built or not);
this registry lists what runs today.
"""

from dataclasses import dataclass, field

from .reference import LEVELS


@dataclass(frozen=True)
class Service:
    name: str  # the package, the RPC queue `rpc-<name>_<level>`, the event exchange `<name>.events`
    title: str  # 中文名, shown to operators
    # Database name -> its Alembic folder inside the package. Each is reached at
    # `<DATABASE>_DATABASE_URL` (SQLite under DATA_DIR by default) with its own role.
    databases: dict[str, str] = field(default_factory=dict)
    # One worker process per level, or a single process (the gateway) when empty.
    levels: tuple[str, ...] = LEVELS
    # The gateway calls it over RPC: its health report lists it, level by level.
    routed: bool = True

    @property
    def leveled(self) -> bool:
        return bool(self.levels)

    def __post_init__(self) -> None:
        if not self.databases:
            object.__setattr__(self, "databases", {self.name: "migrations"})


SERVICES = (
    Service("collection", "群众提 · 建议征集"),
    # The roll and the ballot box live apart (ARCHITECTURE §8): two databases, two roles.
    Service(
        "voting",
        "代表定 · 票决",
        databases={"voting": "migrations", "voting_ballots": "box/migrations"},
    ),
    Service("implementation", "政府办 · 实施"),
    Service("petition", "信访代办"),
    Service("supervision", "人大评 · 监督"),
    Service("gateway", "网关", levels=(), routed=False),
)

BY_NAME = {service.name: service for service in SERVICES}
WORKERS = tuple(service for service in SERVICES if service.leveled)
ROUTED = tuple(service.name for service in SERVICES if service.routed)


def get(name: str) -> Service:
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise KeyError(f"未登记的服务 {name!r} (unregistered service; known: {known})") from None


def databases() -> tuple[str, ...]:
    """Every database of every service, in registry order."""
    return tuple(database for service in SERVICES for database in service.databases)


# The order `make run` starts a service's levels in, and numbers their metrics ports by.
START_ORDER = ("township", "banner", "city")
# How many consecutive metrics ports `make run` needs from METRICS_PORT_BASE.
METRICS_PORTS = len(WORKERS) * len(START_ORDER)


def metrics_offset(name: str, level: str) -> int:
    """A worker's /metrics port is METRICS_PORT_BASE + this: services in registry order, levels
    in START_ORDER (collection township 0, banner 1, city 2, voting township 3, …)."""
    index = next(i for i, service in enumerate(WORKERS) if service.name == name)
    return index * len(START_ORDER) + START_ORDER.index(level)
