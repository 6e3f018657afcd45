"""Alembic wiring: each service keeps its own `migrations/` next to its package.

`python -m servicekit.migrate collection gateway` upgrades each to head; `--revision "msg"`
autogenerates a new revision for one service. Services migrate before they start.
"""

import argparse
import importlib
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from . import config


def alembic_config(service: str, url: str | None = None) -> Config:
    package = importlib.import_module(service)
    folder = Path(package.__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(folder))
    cfg.set_main_option("sqlalchemy.url", url or config.database_url(service))
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(service, url), revision)


def downgrade(service: str, url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, url), revision)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="migrate service databases")
    parser.add_argument("services", nargs="+")
    parser.add_argument("--revision", metavar="MESSAGE", help="autogenerate a new revision")
    args = parser.parse_args(argv)
    for service in args.services:
        if args.revision:
            command.revision(alembic_config(service), message=args.revision, autogenerate=True)
        else:
            upgrade(service)
            print(f"{service}: 数据库已迁移到最新版本 (migrated to head)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
