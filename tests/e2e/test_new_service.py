"""`make new-service` in a copy of this tree: the scaffolded service passes the lint (ruff, the
import rules, mypy), its own test, the contract tests, the deployment-file checks and the
migration checks, and it touches only the files docs/adding-a-service.md lists.

The copy is the working tree as it is (tracked and untracked files, not ignored ones); the
tools run from this virtualenv with the copy's sources first on PYTHONPATH.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from contracts import reference, registry

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# A service of the architecture not built yet (contracts.reference.SERVICES lists every one);
# once all are built, a made-up one, which the copy first names in reference.SERVICES (the
# registry's contract test accepts only the architecture's services).
UNBUILT = [name for name in reference.SERVICES if name not in registry.BY_NAME]
NAME = UNBUILT[0] if UNBUILT else "archive"
REFERENCE = "libs/contracts/contracts/reference.py"
# Existing files the scaffold edits: the ones that must name every service.
EDITED = {
    "libs/contracts/contracts/registry.py",
    "pyproject.toml",
    "docker-compose.yml",
    "deploy/prometheus.yml",
}
# New files outside services/<name>/: its contract module, its routes and its test.
ADDED_OUTSIDE = {
    f"libs/contracts/contracts/{NAME}.py",
    f"gateway/gateway/routes/{NAME}/__init__.py",
    f"tests/service/test_{NAME}_service.py",
}


def tree_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return [name for name in listed if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    target = tmp_path_factory.mktemp("tree")
    for name in tree_files():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes((ROOT / name).read_bytes())
    if NAME not in reference.SERVICES:
        listed = (target / REFERENCE).read_text(encoding="utf-8")
        named = listed.replace("SERVICES = (", f'SERVICES = ("{NAME}", ', 1)
        assert named != listed, "contracts.reference.SERVICES not found"
        (target / REFERENCE).write_text(named, encoding="utf-8")
    for command in (["git", "init", "-q"], ["git", "add", "-A"]):
        subprocess.run(command, cwd=target, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base"],
        cwd=target,
        check=True,
    )
    return target


def run(copy: Path, *command: str) -> subprocess.CompletedProcess[str]:
    roots = ["libs/contracts", "libs/servicekit", "gateway", "."]
    roots += [f"services/{p.name}" for p in sorted((copy / "services").iterdir())]
    env = {
        **os.environ,
        "PYTHONPATH": ":".join(str(copy / root) for root in roots),
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("DATA_DIR", None)
    return subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def scaffolded(copy):
    result = run(copy, str(BIN / "python"), "-m", "scripts.new_service", NAME, "--title", "演示")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "已创建服务" in result.stdout
    return copy


def changed(copy: Path) -> tuple[set[str], set[str]]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    edited = {line[3:] for line in status if line.startswith(" M")}
    added = {line[3:] for line in status if line.startswith("??") and "__pycache__" not in line}
    return edited, added


def test_it_touches_only_the_files_the_page_lists(scaffolded):
    edited, added = changed(scaffolded)
    assert edited == EDITED
    assert {f for f in added if not f.startswith(f"services/{NAME}/")} == ADDED_OUTSIDE


def test_the_lint_passes_with_the_new_service(scaffolded):
    for command in (
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "lint-imports")],
        [str(BIN / "mypy")],
    ):
        result = run(scaffolded, *command)
        assert result.returncode == 0, f"{command[0]}:\n{result.stdout}{result.stderr}"


def test_its_tests_and_the_platforms_checks_pass(scaffolded):
    result = run(
        scaffolded,
        str(BIN / "nameko"),
        "test",
        "-q",
        "-p",
        "no:cacheprovider",
        f"tests/service/test_{NAME}_service.py",
        "tests/contract",
        "tests/integration/test_deploy_files.py",
        "tests/integration/test_migrations.py",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_it_refuses_to_overwrite_a_service(scaffolded):
    result = run(scaffolded, str(BIN / "python"), "-m", "scripts.new_service", NAME)
    assert result.returncode != 0
    assert "已存在" in result.stderr
