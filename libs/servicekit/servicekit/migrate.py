"""Alembic wiring: each database keeps its own migrations folder inside its service's package.

The registry (`contracts.registry`) says which databases a service has and where each one's
folder is (voting keeps the roll and the ballot box apart). `python -m servicekit.migrate`
upgrades every database of every registered service to head (or of the services named);
`--revision "msg" <database>` autogenerates a new revision for one database. Services migrate
before they start.
"""

import argparse
import importlib
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from contracts import registry

from . import config


def databases_of(service: str) -> dict[str, Path]:
    """Database name → migrations folder, for every database of a service."""
    package = importlib.import_module(service)
    root = Path(str(package.__file__)).parent
    return {database: root / folder for database, folder in registry.get(service).databases.items()}


def _folder(database: str) -> Path:
    for service in registry.SERVICES:
        if database in service.databases:
            return databases_of(service.name)[database]
    raise SystemExit(f"没有名为 {database} 的数据库 (no such database)")


def alembic_config(database: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_folder(database)))
    cfg.set_main_option("sqlalchemy.url", url or config.database_url(database))
    cfg.attributes["service"] = database  # names the advisory lock
    return cfg


def upgrade(database: str, url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database, url), revision)


def upgrade_service(service: str) -> None:
    """Every database of `service`, each at its own `<DATABASE>_DATABASE_URL`."""
    for database in databases_of(service):
        upgrade(database)


def downgrade(database: str, url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database, url), revision)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="migrate service databases")
    parser.add_argument("services", nargs="*", help="default: every registered service")
    parser.add_argument("--revision", metavar="MESSAGE", help="autogenerate a new revision")
    args = parser.parse_args(argv)
    for name in args.services or [service.name for service in registry.SERVICES]:
        if args.revision:
            command.revision(alembic_config(name), message=args.revision, autogenerate=True)
            continue
        for database in databases_of(name):
            upgrade(database)
            print(f"{database}: 数据库已迁移到最新版本 (migrated to head)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
