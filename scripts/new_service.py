"""`make new-service NAME=x TITLE=中文名`: a new service, wired into the platform, that runs.

Writes the service's own folders — `services/<x>/` (service, entrypoints, use cases, pure
domain, tables, Alembic with a first revision generated from the tables), its contract
module `libs/contracts/contracts/<x>.py`, its gateway routes `gateway/gateway/routes/<x>/`
and a service test — and registers it in the four files that must name it: the registry,
pyproject.toml, docker-compose.yml and deploy/prometheus.yml. Every other part of
the platform (make run, migrate, topology, the test harness, the import rules, the health
report, the contract tests) finds it through the registry. docs/adding-a-service.md says what
to do next. It refuses to overwrite anything.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts import new_service_files as files

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"^[a-z][a-z]{2,19}$")  # a package, a queue prefix, a database and role name


def _insert_before(path: Path, anchor: str, text: str) -> None:
    content = path.read_text(encoding="utf-8")
    if anchor not in content:
        raise SystemExit(f"{path.relative_to(ROOT)}: 找不到锚点 (anchor not found): {anchor!r}")
    path.write_text(content.replace(anchor, text + anchor, 1), encoding="utf-8")


def _replace(path: Path, pattern: str, replacement: str) -> None:
    content = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, content, count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"{path.relative_to(ROOT)}: 找不到 (not found): {pattern!r}")
    path.write_text(changed, encoding="utf-8")


def register(name: str, title: str) -> None:
    """The four files that name every service (tests check each against the registry)."""
    _insert_before(
        ROOT / "libs/contracts/contracts/registry.py",
        '    Service("gateway", "网关"',
        f'    Service("{name}", "{title}"),\n',
    )
    pyproject = ROOT / "pyproject.toml"
    _insert_before(
        pyproject,
        '    "gateway",\n]\n\n[tool.setuptools.package-data]',
        f'    "services/{name}",\n',
    )
    _replace(pyproject, r'^(root_packages = \[.*?), "gateway"\]$', rf'\1, "{name}", "gateway"]')
    compose = ROOT / "docker-compose.yml"
    _replace(compose, r"^(      MINSHENG_DATABASES: .*?) gateway$", rf"\1 {name} gateway")
    _insert_before(
        compose,
        "      GATEWAY_DATABASE_URL: postgresql+psycopg2://gateway:gateway@postgres:5432/gateway\n"
        "    depends_on:\n      postgres:",
        f"      {name.upper()}_DATABASE_URL: *{name}-db\n",
    )
    _insert_before(
        compose,
        "      RABBITMQ_OPS_PASSWORD: ",  # the broker-users job writes every user's hash
        f"      RABBITMQ_{name.upper()}_PASSWORD: {files.broker_password(name)}\n",
    )
    _insert_before(compose, "\nx-worker: &worker\n", files.compose_env(name))
    _insert_before(compose, "  gateway:\n    <<: *app\n", files.compose_workers(name))
    with (ROOT / "deploy/prometheus.yml").open("a", encoding="utf-8") as handle:
        handle.write(files.prometheus_jobs(name))


def write_files(name: str, title: str) -> list[Path]:
    written = []
    for relative, text in files.service_files(name, title).items():
        path = ROOT / relative
        if path.exists():
            raise SystemExit(f"已存在，未覆盖 (exists, not overwritten): {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def first_revision(name: str) -> None:
    """Alembic's first revision, generated from the service's tables against an empty SQLite
    database — frozen from then on, like every other service's."""
    with tempfile.TemporaryDirectory() as data:
        subprocess.run(
            [sys.executable, "-m", "servicekit.migrate", "--revision", "initial", name],
            cwd=ROOT,
            env={"DATA_DIR": data, "PATH": "/usr/bin:/bin", "PYTHONPATH": _source_path()},
            check=True,
            capture_output=True,
        )


def tidy(paths: list[Path]) -> None:
    """The project's formatter and import order over what was written (the order of imports
    depends on the service's name; Alembic writes its revision in a style of its own)."""
    ruff = str(Path(sys.executable).parent / "ruff")
    targets = sorted({str(p) for p in paths if p.suffix == ".py"})
    targets.append(str(ROOT / "services"))  # the revision Alembic just wrote
    subprocess.run([ruff, "check", "--fix", "--quiet", *targets], cwd=ROOT, check=False)
    subprocess.run([ruff, "format", "--quiet", *targets], cwd=ROOT, check=True)


def _source_path() -> str:
    roots = [
        "libs/contracts",
        "libs/servicekit",
        "gateway",
        *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "services").iterdir() if p.is_dir()),
    ]
    return ":".join(str(ROOT / root) for root in roots)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make new-service")
    parser.add_argument("name", help="小写英文名 (lower-case name), e.g. supervision")
    parser.add_argument("--title", default="", help="中文名, e.g. 人大评 · 监督")
    args = parser.parse_args(argv)
    if not NAME.match(args.name):
        raise SystemExit("服务名应为 3–20 个小写字母 (3-20 lower-case letters)")
    title = args.title or args.name
    written = write_files(args.name, title)
    register(args.name, title)
    first_revision(args.name)
    tidy(written)
    print(f"已创建服务 {args.name}（{title}）(service created): {len(written)} 个文件")
    print("  已登记 (registered in): contracts/registry.py, pyproject.toml, docker-compose.yml,")
    print("    deploy/prometheus.yml")
    print(
        "  下一步 (next): make install && make lint && make test-one T=tests/service/"
        f"test_{args.name}_service.py; 再按 docs/adding-a-service.md 加入业务 (then the domain)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
