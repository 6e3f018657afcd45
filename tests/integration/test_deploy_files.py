"""The deployment files agree with the Compose specification, with each other and with the code.

Pure Python, no network and no Docker: docker-compose.yml is validated against the Compose
schema vendored in check-jsonschema; deploy/prometheus.yml must scrape every long-running
process; deploy/alerts.yml may only use metric names that servicekit.metrics defines. The
files that stay static are checked against the service registry (contracts.registry): a
service added there and forgotten here fails with its name.
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from contracts import registry
from servicekit import brokerusers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
PROMETHEUS = DEPLOY / "prometheus.yml"
ALERTS = DEPLOY / "alerts.yml"
INIT_SH = DEPLOY / "postgres" / "init.sh"

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
TEMPLATE = re.compile(r"\{\{.*?\}\}")
MINSHENG_NAME = re.compile(r"\bminsheng_[A-Za-z0-9_]+")
LEVELS = registry.START_ORDER
LEVELED_SERVICES = tuple(service.name for service in registry.WORKERS)
# The roll (who received a ballot) and the ballot box (what the ballots say).
VOTING_DATABASES = tuple(registry.get("voting").databases)

Services = dict[str, dict[str, Any]]


class ComposeLoader(yaml.SafeLoader):
    """The plain YAML loader: `nameko test` teaches SafeLoader to expand `${VAR:default}`,
    which would turn compose's `${VAR:?message}` into the string "?message"."""


ComposeLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "!env_var"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=ComposeLoader)


@pytest.fixture(scope="module")
def services() -> Services:
    return load_yaml(COMPOSE)["services"]


def command_of(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def environment_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", ...]
        env = dict(item.partition("=")[::2] for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, str]:
    """{dependency: condition}; the short list form means service_started."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def bind_sources(service: dict[str, Any]) -> list[str]:
    sources = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source = volume.split(":", 1)[0]
        elif volume.get("type") == "bind":
            source = volume["source"]
        else:
            continue
        if source.startswith((".", "/")):
            sources.append(source)
    return sources


def runner_services(services: Services) -> Services:
    """The long-running Minsheng processes: those started through servicekit.runner."""
    return {n: s for n, s in services.items() if "servicekit.runner" in command_of(s)}


def workers_of(services: Services, service: str) -> Services:
    """The compose services that run `servicekit.runner <service>`."""
    return {
        n: s
        for n, s in runner_services(services).items()
        if command_of(s).split("servicekit.runner", 1)[1].split() == [service]
    }


def database_urls(service: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in environment_of(service).items() if k.endswith("_DATABASE_URL")}


def metrics_port(service: dict[str, Any]) -> str:
    """A worker serves /metrics on METRICS_PORT; the gateway on its web server's port."""
    env = environment_of(service)
    if env.get("METRICS_PORT", "0") != "0":
        return env["METRICS_PORT"]
    address = env.get("WEB_SERVER_ADDRESS", "")
    return address.rpartition(":")[2]


def scrape_targets() -> set[tuple[str, str]]:
    """(host:port, metrics_path) for each static target and each DNS name of type A."""
    targets = set()
    for job in load_yaml(PROMETHEUS)["scrape_configs"]:
        path = job.get("metrics_path", "/metrics")
        for static in job.get("static_configs", []):
            targets.update((target, path) for target in static["targets"])
        for dns in job.get("dns_sd_configs", []):
            # Type A names carry no port: it must be given; SRV records would bring their own.
            if dns.get("type", "SRV") == "A":
                targets.update((f"{name}:{dns['port']}", path) for name in dns["names"])
    return targets


def test_compose_file_follows_the_compose_specification() -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    assert checker.exists(), f"{checker} 不存在：请运行 make install (check-jsonschema missing)"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_has_no_obsolete_version_key() -> None:
    assert "version" not in load_yaml(COMPOSE)


def test_every_service_has_an_image_or_a_build(services: Services) -> None:
    missing = [
        name for name, service in services.items() if not ("image" in service or "build" in service)
    ]
    assert not missing, f"services with neither image nor build: {missing}"


def test_every_dependency_exists(services: Services) -> None:
    unknown = {
        (name, dep)
        for name, service in services.items()
        for dep in depends_on(service)
        if dep not in services
    }
    assert not unknown, f"depends_on names unknown services: {sorted(unknown)}"


def test_services_waited_on_as_healthy_have_a_healthcheck(services: Services) -> None:
    waited = {
        dep
        for service in services.values()
        for dep, condition in depends_on(service).items()
        if condition == "service_healthy"
    }
    assert waited, "no service waits for another to be healthy"
    lacking = sorted(
        dep
        for dep in waited
        if dep in services
        and (not services[dep].get("healthcheck") or services[dep]["healthcheck"].get("disable"))
    )
    assert not lacking, f"waited on with service_healthy but no healthcheck: {lacking}"


def test_every_long_running_process_is_scraped(services: Services) -> None:
    runners = runner_services(services)
    expected = {s.name for s in registry.SERVICES if not s.leveled} | {
        f"{s}-{level}" for s in LEVELED_SERVICES for level in LEVELS
    }
    missing = sorted(expected - set(runners))
    assert not missing, f"docker-compose.yml lacks the registered processes {missing}"
    targets = scrape_targets()
    unscraped = sorted(
        f"{name}:{metrics_port(service)}"
        for name, service in runners.items()
        if (f"{name}:{metrics_port(service)}", "/metrics") not in targets
    )
    assert not unscraped, f"processes missing from deploy/prometheus.yml: {unscraped}"


def test_workers_serve_metrics_beyond_their_own_container(services: Services) -> None:
    for name, service in runner_services(services).items():
        env = environment_of(service)
        if env.get("METRICS_PORT", "0") != "0":
            assert env.get("METRICS_ADDR") == "0.0.0.0", f"{name}: Prometheus cannot reach /metrics"


@pytest.mark.parametrize("service", LEVELED_SERVICES)
def test_every_worker_level_runs_on_its_own(services: Services, service: str) -> None:
    workers = workers_of(services, service)
    levels = {name: environment_of(s).get("WORKER_LEVEL") for name, s in workers.items()}
    assert levels == {f"{service}-{level}": level for level in LEVELS}


def test_every_worker_has_a_healthcheck_on_its_own_metrics(services: Services) -> None:
    for name, service in runner_services(services).items():
        check = service.get("healthcheck") or {}
        assert check and not check.get("disable"), f"{name}: no healthcheck"
        probe = " ".join(check["test"]) if isinstance(check["test"], list) else check["test"]
        assert f"127.0.0.1:{metrics_port(service)}/" in probe, f"{name}: probes another port"


@pytest.mark.parametrize("service", LEVELED_SERVICES)
def test_workers_start_after_migrations_and_queues(services: Services, service: str) -> None:
    for name, worker in workers_of(services, service).items():
        deps = depends_on(worker)
        assert deps.get("migrate") == "service_completed_successfully", name
        assert deps.get("topology") == "service_completed_successfully", name
        assert environment_of(worker).get("MIGRATE") == "0", f"{name}: the migrate job migrates"


def test_workers_use_the_databases_the_migrate_job_migrates(services: Services) -> None:
    migrated = database_urls(services["migrate"])
    for name, worker in runner_services(services).items():
        for key, url in database_urls(worker).items():
            assert migrated.get(key) == url, f"{name}: {key} is not the migrated database"


def test_every_file_mounted_from_deploy_exists(services: Services) -> None:
    sources = [source for service in services.values() for source in bind_sources(service)]
    assert any(source.startswith("./deploy/") for source in sources)
    missing = [source for source in sources if not (ROOT / source).exists()]
    assert not missing, f"mounted but absent: {missing}"


def test_every_build_names_an_existing_dockerfile(services: Services) -> None:
    for name, service in services.items():
        build = service.get("build")
        if build is None:
            continue
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = (
            "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        )
        assert (context / dockerfile).is_file(), f"{name}: {context / dockerfile} is missing"


def test_dockerfile_builds_one_image_for_every_service() -> None:
    assert DOCKERFILE.is_file()
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^ARG SERVICE\b", text, re.MULTILINE)
    assert re.search(r"^ENV SERVICE=\$\{SERVICE\}", text, re.MULTILINE)
    assert re.search(r"^FROM python:3\.11-slim", text, re.MULTILINE)
    assert re.search(r"^CMD .*servicekit\.runner .*\$\{?SERVICE", text, re.MULTILINE)
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"


def test_the_migrate_job_migrates_every_registered_service(services: Services) -> None:
    named = command_of(services["migrate"]).split("servicekit.migrate", 1)[1].split()
    assert not named, "with no names the job migrates every registered service; keep it so"
    urls = database_urls(services["migrate"])
    missing = [db for db in registry.databases() if f"{db.upper()}_DATABASE_URL" not in urls]
    assert not missing, f"the migrate job has no URL for the registered databases {missing}"


def test_postgres_creates_every_registered_database(services: Services) -> None:
    mounted = [s for s in bind_sources(services["postgres"]) if s.endswith("init.sh")]
    assert mounted, "postgres does not run deploy/postgres/init.sh"
    listed = environment_of(services["postgres"]).get("MINSHENG_DATABASES", "").split()
    missing = [db for db in registry.databases() if db not in listed]
    assert not missing, f"MINSHENG_DATABASES (postgres in docker-compose.yml) lacks {missing}"


def test_each_service_database_has_its_own_role(services: Services) -> None:
    urls = {
        key: value
        for service in services.values()
        for key, value in environment_of(service).items()
        if key.endswith("_DATABASE_URL")
    }
    for name in registry.databases():
        url = urlsplit(urls[f"{name.upper()}_DATABASE_URL"])
        assert (url.username, url.path) == (name, f"/{name}"), f"{name} connects as another role"


def test_voting_workers_keep_the_roll_and_the_ballot_box_apart(services: Services) -> None:
    workers = workers_of(services, "voting")
    assert set(workers) == {f"voting-{level}" for level in LEVELS}
    for name, worker in workers.items():
        urls = database_urls(worker)
        assert set(urls) == {f"{db.upper()}_DATABASE_URL" for db in VOTING_DATABASES}, name
        roll, box = (urlsplit(urls[f"{db.upper()}_DATABASE_URL"]) for db in VOTING_DATABASES)
        assert roll.scheme.startswith("postgresql") and box.scheme.startswith("postgresql"), name
        assert roll.username != box.username and roll.path != box.path, (
            f"{name}: one role reads both"
        )


def defined_metric_names() -> set[str]:
    """Every sample name a process of the platform can expose: servicekit.metrics' registry,
    read once every registered service's own metrics module has declared its metrics on it."""
    from servicekit import metrics

    from tests.support.service_metrics import declared_families

    families = declared_families()
    suffixes = {
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("", "_sum", "_count", "_created"),
        "info": ("_info",),
    }
    names = set()
    for family in metrics.REGISTRY.collect():
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ("",)))
    # Dead-letter depth comes from a custom collector registered at run time, not on import.
    # With no subscriptions its collect() asks no broker and just names the family it reports.
    collector = metrics.DeadLetterCollector("memory://", [])
    names.update(family.name for family in collector.collect())
    # So do a service's gauges of stored state (collection's open_rounds): declared on import,
    # read from its database by a collector registered at run time.
    names.update(name for name, family in families.items() if family.scraped)
    return names


def alert_rules() -> list[dict[str, Any]]:
    return [
        rule for group in load_yaml(ALERTS)["groups"] for rule in group["rules"] if "alert" in rule
    ]


def test_alerts_use_only_metrics_that_servicekit_defines() -> None:
    defined = defined_metric_names()
    assert "minsheng_dead_letters_messages" in defined
    used = {name for rule in alert_rules() for name in MINSHENG_NAME.findall(rule["expr"])}
    assert used, "no alert uses a minsheng_ metric"
    unknown = sorted(used - defined)
    assert not unknown, f"alerts.yml uses metrics servicekit.metrics does not define: {unknown}"


def test_alerts_cover_outbox_dead_letters_errors_latency_and_down_targets() -> None:
    exprs = " ".join(rule["expr"] for rule in alert_rules())
    for needle in (
        "minsheng_outbox_backlog_events",
        "minsheng_outbox_oldest_age_seconds",
        "minsheng_dead_letters_messages",
        'minsheng_entrypoint_calls_total{outcome="server_error"}',
        "minsheng_entrypoint_duration_seconds_bucket",
        "up == 0",
    ):
        assert needle in exprs, f"no alert on {needle}"


def test_alert_summaries_are_chinese_first_then_english() -> None:
    for rule in alert_rules():
        summary = TEMPLATE.sub("", rule.get("annotations", {}).get("summary", ""))
        chinese, english = CJK.search(summary), LATIN.search(summary)
        assert chinese and english, f"{rule['alert']}: summary needs Chinese and English"
        assert chinese.start() < english.start(), f"{rule['alert']}: Chinese comes first"


def test_prometheus_loads_the_alert_rules() -> None:
    rule_files = load_yaml(PROMETHEUS).get("rule_files", [])
    assert "alerts.yml" in [Path(path).name for path in rule_files]


def test_grafana_datasource_points_at_prometheus() -> None:
    provisioning = load_yaml(DEPLOY / "grafana/provisioning/datasources/prometheus.yml")
    (source,) = [s for s in provisioning["datasources"] if s["type"] == "prometheus"]
    assert source["url"] == "http://prometheus:9090"
    assert source["isDefault"] is True


# ---- broker and ops (issue 11 item 2) --------------------------------------------------------

RABBITMQ_CONF = DEPLOY / "rabbitmq" / "rabbitmq.conf"
FROM_ENV = re.compile(r"^\$\{(?P<name>[A-Z0-9_]+):\?[^}]+\}$")  # required, no default
# PostgreSQL is on the compose network only, its role passwords the local stack's (init.sh);
# not part of the broker and ops ports.
LOCAL_ONLY_PASSWORDS = {"POSTGRES_PASSWORD"}


def published(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host address, host port) of each published port; "" is every interface."""
    found = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            found.append((port.get("host_ip", ""), str(port.get("published", ""))))
            continue
        parts = str(port).split(":")
        if len(parts) == 3:
            found.append((parts[0], parts[1]))
        else:  # "8000:8000", or "8000" (a random host port on every interface)
            found.append(("", parts[0]))
    return found


AMQP_URI = re.compile(r"^amqps?://(?P<user>[^:@/]+):(?P<password>.*)@(?P<host>[^@/]+)/")


def amqp_user(service: dict[str, Any]) -> tuple[str | None, str | None]:
    """(user, password) of AMQP_URI: by hand, as `${VAR:?…}` is no URL urlsplit can read."""
    match = AMQP_URI.match(environment_of(service).get("AMQP_URI", ""))
    return (match["user"], match["password"]) if match else (None, None)


def load_definitions_path() -> str:
    (path,) = re.findall(r"^load_definitions\s*=\s*(\S+)", RABBITMQ_CONF.read_text(), re.M)
    return path


def test_only_the_gateway_is_published_beyond_this_machine(services: Services) -> None:
    open_to_all = {
        (name, port)
        for name, service in services.items()
        for host, port in published(service)
        if host not in ("127.0.0.1", "::1", "localhost")
    }
    assert open_to_all == {("gateway", "8000")}, f"published on every interface: {open_to_all}"
    assert not published(services["postgres"])
    assert all(port != "5672" for _, port in published(services["rabbitmq"])), "AMQP published"


def test_each_process_connects_to_the_broker_as_its_own_user(services: Services) -> None:
    expected = dict.fromkeys(workers_of(services, "gateway"), "gateway")
    for service in LEVELED_SERVICES:
        expected.update(dict.fromkeys(workers_of(services, service), service))
    expected["topology"] = brokerusers.OPS_USER
    users = {
        name: amqp_user(service)[0]
        for name, service in services.items()
        if "AMQP_URI" in environment_of(service)
    }
    assert users == expected


def test_no_guest_and_every_broker_password_from_the_environment(services: Services) -> None:
    for name, service in services.items():
        user, password = amqp_user(service)
        if user is None:
            continue
        assert user != "guest", name
        match = FROM_ENV.match(password or "")
        assert match, f"{name}: the AMQP password is not a required environment variable"
        assert match["name"] == brokerusers.password_variable(user), name
    assert "guest" not in json.dumps(services), "a guest in docker-compose.yml"


def test_every_password_variable_is_required_and_has_no_default(services: Services) -> None:
    for name, service in services.items():
        for key, value in environment_of(service).items():
            if "PASSWORD" in key and key not in LOCAL_ONLY_PASSWORDS:
                assert FROM_ENV.match(value), f"{name}: {key} has a default or is written out"
    grafana = environment_of(services["grafana"])["GF_SECURITY_ADMIN_PASSWORD"]
    assert FROM_ENV.match(grafana)["name"] == "GRAFANA_ADMIN_PASSWORD"


def test_the_broker_loads_the_users_the_broker_users_job_writes(services: Services) -> None:
    job = services["broker-users"]
    variables = {brokerusers.password_variable(user) for user in brokerusers.users()}
    given = {FROM_ENV.match(v)["name"] for v in environment_of(job).values() if FROM_ENV.match(v)}
    assert given == variables, "the job needs exactly every user's password"
    assert "servicekit.brokerusers" in command_of(job)
    written = command_of(job).split()[-1]
    rabbitmq = services["rabbitmq"]
    assert depends_on(rabbitmq).get("broker-users") == "service_completed_successfully"
    mounts = {v.split(":")[0]: v.split(":")[1] for v in rabbitmq["volumes"]}
    assert mounts.get("./deploy/rabbitmq/rabbitmq.conf") == "/etc/rabbitmq/rabbitmq.conf"
    job_mounts = {v.split(":")[0]: v.split(":")[1] for v in job["volumes"]}
    (volume,) = [v for v, target in job_mounts.items() if written.startswith(target + "/")]
    loaded = load_definitions_path()
    assert loaded == mounts[volume] + written[len(job_mounts[volume]) :], (loaded, written)
    # Definitions at boot: RabbitMQ then creates no default (guest) user.
    assert "default_user" not in RABBITMQ_CONF.read_text(encoding="utf-8")
