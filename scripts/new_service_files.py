"""What `make new-service` writes (scripts/new_service.py): the files of a new service that
runs — one RPC, `get_status`, through every layer and the gateway (scripts/service_template)
— and the blocks of the deployment files that name it."""

from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).parent / "service_template"  # the new service's files, as they will be


def service_files(name: str, title: str) -> dict[str, str]:
    """Relative path -> content: the template tree with `__name__` in paths and $name, $Name,
    $NAME and $title in texts filled in (string.Template; Alembic's own ${...} stay)."""
    values = {"name": name, "Name": name.capitalize(), "NAME": name.upper(), "title": title}
    written = {}
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        relative = str(source.relative_to(TEMPLATE)).removesuffix(".tmpl")
        path = relative.replace("__name__", name)
        written[path] = Template(source.read_text(encoding="utf-8")).safe_substitute(values)
    return written


def broker_password(name: str) -> str:
    """The compose reference to the service's own broker password (servicekit.brokerusers)."""
    variable = f"RABBITMQ_{name.upper()}_PASSWORD"
    return f"${{{variable}:?set {variable}}}"


def compose_env(name: str) -> str:
    return f"""
x-{name}-env: &{name}-env
  <<: *worker-env
  AMQP_URI: amqp://{name}:{broker_password(name)}@rabbitmq:5672/
  {name.upper()}_DATABASE_URL: &{name}-db postgresql+psycopg2://{name}:{name}@postgres:5432/{name}
"""


def compose_workers(name: str) -> str:
    blocks = []
    for level in ("township", "banner", "city"):
        blocks.append(
            f"""  {name}-{level}:
    <<: *worker
    command: ["python", "-m", "servicekit.runner", "{name}"]
    environment:
      <<: *{name}-env
      WORKER_LEVEL: {level}

"""
        )
    return "".join(blocks)


def prometheus_jobs(name: str) -> str:
    return "".join(
        f"""
  - job_name: {name}-{level}
    metrics_path: /metrics
    dns_sd_configs:
      - names: ["{name}-{level}"]
        type: A
        port: 9100
        refresh_interval: 30s
"""
        for level in ("township", "banner", "city")
    )
