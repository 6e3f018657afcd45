"""The alert rules and the Grafana dashboards (issue 16, "Dashboards and alerts"), checked with
`promtool` from Debian's `prometheus` package (`make prometheus` installs it when missing).

- deploy/alerts.yml passes `promtool check rules`, and `promtool test rules` passes on
  deploy/alert-tests/*.yml, where every alert is shown firing and quiet;
- every alert has a severity, a `for:` and Chinese-first summary and description;
- every dashboard in deploy/grafana/dashboards/ loads as JSON in Grafana's provisioning shape
  (uid, title, panels with targets) and the file provider points at the folder compose mounts;
- every panel's PromQL parses: each expression becomes a recording rule of a throwaway rules
  file, one group per panel so that promtool names the panel that fails;
- every metric name a panel or an alert uses is one the code defines: the names are read from
  the metrics modules (servicekit.metrics and each service's own, as test_deploy_files does),
  plus RabbitMQ's (`rabbitmq_…`, its own Prometheus plugin) and Prometheus' `up`.

Not done here (a follow-up): checking those names against the live exposition of every process
in the e2e run.

Without promtool the promtool tests skip on a developer's machine and fail when CI is set.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from contracts import registry

from tests.integration.test_deploy_files import (
    CJK,
    LATIN,
    TEMPLATE,
    defined_metric_names,
    load_yaml,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ALERTS = DEPLOY / "alerts.yml"
ALERT_TESTS = sorted((DEPLOY / "alert-tests").glob("*.yml"))
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
PROVIDER = DEPLOY / "grafana" / "provisioning" / "dashboards" / "dashboards.yml"
DATASOURCE_UID = "prometheus"  # deploy/grafana/provisioning/datasources/prometheus.yml
SEVERITIES = {"critical", "warning"}
# Prometheus' own series that a rule or a panel may read besides the exported ones.
BUILT_INS = {"up", "ALERTS", "ALERTS_FOR_STATE"}
RABBITMQ_PREFIX = "rabbitmq_"

# PromQL's words that look like metric names.
KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "inf",
    "nan",
}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
MATCHERS = re.compile(r"\{[^{}]*\}")
RANGE = re.compile(r"\[[^\]]*\]")
LABEL_LIST = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_:][A-Za-z0-9_:]*")
NUMBER = re.compile(r"\b\d+(\.\d+)?(e[+-]?\d+)?\b", re.IGNORECASE)
# Grafana's template variables: the interval ones become durations, the others a value.
DURATION_VARIABLE = re.compile(r"\$(__rate_interval|__interval|__range)\b|\$\{(__\w+)\}")
VARIABLE = re.compile(r"\$\{?\w+\}?")


def promtool() -> str:
    found = shutil.which("promtool")
    if found:
        return found
    message = "promtool is missing: `make prometheus` installs Debian's prometheus package"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # promtool, found on PATH, on files of this repo
        [promtool(), *args], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )


def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(ALERTS)["groups"]
    return [rule for group in groups for rule in group["rules"] if "alert" in rule]


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in DASHBOARDS}


def panels_of(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, rows' collapsed panels included; rows themselves have no query."""
    found = []
    for panel in dashboard["panels"]:
        found.extend(panel.get("panels", []))
        if panel.get("type") != "row":
            found.append(panel)
    return found


def panel_exprs() -> list[tuple[str, dict[str, Any], str]]:
    """(where, panel, expression) for every target of every panel."""
    return [
        (
            f"{name} panel {panel['id']} {panel['title']!r} target {target['refId']}",
            panel,
            target["expr"],
        )
        for name, dashboard in dashboards().items()
        for panel in panels_of(dashboard)
        for target in panel["targets"]
    ]


def concrete(expr: str) -> str:
    """A panel's expression with Grafana's variables given values, as Grafana sends it."""
    return VARIABLE.sub("x", DURATION_VARIABLE.sub("5m", expr))


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects: what is left once strings, label matchers,
    ranges, label lists, numbers, function names and keywords are taken out."""
    text = STRING.sub('""', concrete(expr))
    text = MATCHERS.sub(" ", text)
    text = RANGE.sub(" ", text)
    text = LABEL_LIST.sub(" ", text)
    text = NUMBER.sub(" ", text)
    return {
        match.group()
        for match in IDENTIFIER.finditer(text)
        if match.group().lower() not in KEYWORDS
        and not text[match.end() :].lstrip().startswith("(")  # a function
    }


def test_the_name_reader_finds_names_and_only_names() -> None:
    expr = (
        "histogram_quantile(0.99, sum by (level, le) (rate(minsheng_entrypoint_duration_"
        'seconds_bucket{level=~"$level", le!="x"}[5m]))) > 1 and on () month() == 12 '
        "or rabbitmq_queues * on (instance) group_left (rabbitmq_node) rabbitmq_identity_info"
    )
    assert metric_names(expr) == {
        "minsheng_entrypoint_duration_seconds_bucket",
        "rabbitmq_queues",
        "rabbitmq_identity_info",
    }


# ---- alerts ---------------------------------------------------------------------------------


def test_promtool_checks_the_alert_rules() -> None:
    result = run("check", "rules", str(ALERTS.relative_to(ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_of_the_alerts_pass() -> None:
    assert ALERT_TESTS, "no promtool test file in deploy/alert-tests"
    result = run("test", "rules", *(str(path.relative_to(ROOT)) for path in ALERT_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr


def unit_tests() -> list[dict[str, Any]]:
    return [test for path in ALERT_TESTS for test in load_yaml(path)["tests"]]


def test_every_alert_is_shown_firing_and_quiet() -> None:
    firing, quiet = set(), set()
    for test in unit_tests():
        for case in test.get("promql_expr_test", []):
            match = re.search(r'alertname="(\w+)", alertstate="firing"', case["expr"])
            if match and case.get("exp_samples"):
                firing.add(match.group(1))
        for case in test.get("alert_rule_test", []):
            (firing if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {rule["alert"] for rule in alert_rules()}
    assert not names - firing, f"alerts never shown firing: {sorted(names - firing)}"
    assert not names - quiet, f"alerts never shown quiet: {sorted(names - quiet)}"


def test_every_alert_has_a_severity_a_duration_and_chinese_first_annotations() -> None:
    for rule in alert_rules():
        name = rule["alert"]
        assert rule.get("labels", {}).get("severity") in SEVERITIES, f"{name}: severity"
        assert "for" in rule, f"{name}: no `for:` duration"
        summary = TEMPLATE.sub("", rule.get("annotations", {}).get("summary", ""))
        chinese, english = CJK.search(summary), LATIN.search(summary)
        assert chinese and english, f"{name}: summary needs Chinese and English"
        assert chinese.start() < english.start(), f"{name}: summary puts Chinese first"
        # A description may name a product (Prometheus, RabbitMQ) first: Chinese, then the
        # English translation in the closing parentheses.
        description = TEMPLATE.sub("", rule.get("annotations", {}).get("description", ""))
        english_from = description.rfind("(")
        assert english_from > 0 and description.rstrip().endswith(")"), f"{name}: (English)"
        assert CJK.search(description[:english_from]), f"{name}: description in Chinese first"
        assert LATIN.search(description[english_from:]), f"{name}: then in English"


def test_alerts_cover_every_service_and_the_broker() -> None:
    exprs = " ".join(rule["expr"] for rule in alert_rules())
    for service in registry.WORKERS:
        assert service.name in exprs, f"no alert names the {service.name} service"
    for needle in (
        "rabbitmq_identity_info",
        "rabbitmq_raft_term_total",
        "minsheng_implementation_projects_lagging",
        "minsheng_implementation_problems_overdue",
        "minsheng_petition_overdue_matters",
        "minsheng_implementation_feed_attempts_total",
        "minsheng_implementation_calendar_known_through_year",
    ):
        assert needle in exprs, f"no alert on {needle}"


# ---- dashboards -----------------------------------------------------------------------------


def test_the_provider_reads_the_folder_compose_mounts() -> None:
    (provider,) = load_yaml(PROVIDER)["providers"]
    assert provider["type"] == "file"
    grafana = load_yaml(ROOT / "docker-compose.yml")["services"]["grafana"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in grafana["volumes"] if ":" in v}
    assert mounts.get(provider["options"]["path"]) == "./deploy/grafana/dashboards"


def test_every_dashboard_has_the_provisioning_shape() -> None:
    loaded = dashboards()
    assert len(loaded) >= 4, f"expected the four dashboards, found {sorted(loaded)}"
    uids = [dashboard.get("uid") for dashboard in loaded.values()]
    assert len(set(uids)) == len(uids), f"uids repeat: {uids}"
    for name, dashboard in loaded.items():
        assert dashboard.get("uid") and dashboard.get("title"), f"{name}: uid and title"
        assert "id" not in dashboard or dashboard["id"] is None, f"{name}: provisioned with an id"
        panels = panels_of(dashboard)
        assert panels, f"{name}: no panels"
        ids = [panel["id"] for panel in dashboard["panels"]]
        assert len(set(ids)) == len(ids), f"{name}: panel ids repeat"
        for panel in panels:
            where = f"{name} panel {panel.get('id')} {panel.get('title')!r}"
            assert panel.get("title") and panel.get("type"), f"{where}: title and type"
            assert set(panel.get("gridPos", {})) >= {"x", "y", "w", "h"}, f"{where}: gridPos"
            assert panel.get("targets"), f"{where}: no targets"
            for target in panel["targets"]:
                assert target.get("expr", "").strip(), f"{where}: a target without expr"
                source = target.get("datasource", panel.get("datasource", {}))
                assert source.get("uid") == DATASOURCE_UID, f"{where}: data source"


def test_every_panel_expression_parses(tmp_path: Path) -> None:
    groups = []
    for index, (where, _panel, expr) in enumerate(panel_exprs()):
        groups.append(
            {
                "name": where,
                "rules": [{"record": f"panel_{index}", "expr": concrete(expr)}],
            }
        )
    rules = tmp_path / "panels.yml"
    rules.write_text(yaml.safe_dump({"groups": groups}, allow_unicode=True), encoding="utf-8")
    result = run("check", "rules", str(rules))
    assert result.returncode == 0, (
        f"a panel's PromQL does not parse:\n{result.stdout}{result.stderr}"
    )


def allowed(name: str, defined: set[str]) -> bool:
    return name in defined or name in BUILT_INS or name.startswith(RABBITMQ_PREFIX)


def test_every_metric_a_panel_or_an_alert_names_is_defined() -> None:
    defined = defined_metric_names()
    used: dict[str, str] = {}
    for rule in alert_rules():
        for metric in metric_names(rule["expr"]):
            used.setdefault(metric, f"alert {rule['alert']}")
    for where, _panel, expr in panel_exprs():
        for metric in metric_names(expr):
            used.setdefault(metric, where)
    assert any(metric.startswith("minsheng_") for metric in used)
    unknown = {metric: where for metric, where in used.items() if not allowed(metric, defined)}
    assert not unknown, f"metrics no code defines: {unknown}"
