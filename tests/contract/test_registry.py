"""The service registry (contracts.registry) agrees with the code and with pyproject.toml.

pyproject.toml stays static (setuptools and import-linter read it as data): a registered service
missing from it fails here with its name.
"""

import importlib
import tomllib
from pathlib import Path

import pytest
from contracts import reference, registry

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
NAMES = [service.name for service in registry.SERVICES]


@pytest.mark.parametrize("name", NAMES)
def test_each_service_module_names_its_class_and_levels(name):
    entry = registry.get(name)
    module = importlib.import_module(f"{name}.service")
    assert module.SERVICE.name == name
    assert module.LEVELED is entry.leveled


@pytest.mark.parametrize("name", NAMES)
def test_each_database_has_its_migrations_folder(name):
    root = Path(str(importlib.import_module(name).__file__)).parent
    for database, folder in registry.get(name).databases.items():
        assert (root / folder / "versions").is_dir(), f"{database}: no {folder}/versions"


def test_every_worker_is_a_service_of_the_architecture():
    unknown = [s.name for s in registry.WORKERS if s.name not in reference.SERVICES]
    assert not unknown, f"not in contracts.reference.SERVICES: {unknown}"


def test_database_names_are_unique_and_name_their_service():
    names = registry.databases()
    assert len(names) == len(set(names))
    for service in registry.SERVICES:
        assert all(db.split("_")[0] == service.name for db in service.databases), service.name


def test_metrics_ports_do_not_collide():
    offsets = [
        registry.metrics_offset(s.name, level) for s in registry.WORKERS for level in s.levels
    ]
    assert sorted(offsets) == list(range(len(offsets)))


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="collection"):
        registry.get("nosuch")


@pytest.mark.parametrize("name", NAMES)
def test_pyproject_installs_and_lints_every_service(name):
    roots = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["where"]
    folder = "gateway" if name == "gateway" else f"services/{name}"
    assert folder in roots, f"pyproject.toml [tool.setuptools.packages.find] where lacks {folder}"
    linted = PYPROJECT["tool"]["importlinter"]["root_packages"]
    assert name in linted, f"pyproject.toml [tool.importlinter] root_packages lacks {name}"


def test_every_services_folder_is_registered():
    folders = sorted(p.name for p in (ROOT / "services").iterdir() if (p / p.name).is_dir())
    unregistered = [name for name in folders if name not in NAMES]
    assert not unregistered, f"services/ holds unregistered services: {unregistered}"
