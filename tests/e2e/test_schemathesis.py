"""Schemathesis over the platform's own OpenAPI document, against the platform as `make run`
starts it (PostgreSQL, the real services): every documented operation, with values that fit
the schema and values that break it (schemathesis' positive and negative modes), sent as three
people — anonymous, the township clerk zhengfu and the admin. No answer is a 5xx, and every
refusal is the error envelope.

The cases are generated once and every caller is sent all of them: generating is most of the
cost (about 40 cases a second here), sending is cheap. SCHEMATHESIS_EXAMPLES sets the examples
per operation and mode (default 100: over 10,000 cases, issue 11's floor per caller, which is
checked against the cases actually sent, not against the setting).
"""

import contextlib
import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from scripts import demo_data

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "100"))
FLOOR = int(os.environ.get("SCHEMATHESIS_FLOOR", "10000"))
SENDERS = 8
PASSWORDS = {row[0]: row[4] for row in demo_data.DEMO_ACCOUNTS}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a case is sent as generated
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _generate(operation, mode: GenerationMode, path_values: dict[str, str] | None = None) -> list:
    found: list = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_values)

    @SETTINGS
    @given(case=strategy)
    def collect(case):
        found.append(case)

    with contextlib.suppress(Unsatisfiable):  # nothing to break: no parameter, or a free string
        collect()
    return found


@pytest.fixture(scope="module")
def cases(make_run) -> list:
    loaded = schemathesis.openapi.from_url(f"{make_run.base_url}/api/v1/openapi.json")
    # The caller's own token is sent; schemathesis must not swap in made-up ones (the hostile
    # tokens are tests/service/test_gateway_hostile_input.py's).
    loaded.config.generation.update(with_security_parameters=False)
    operations = [result.ok() for result in loaded.get_all_operations()]
    started = time.perf_counter()
    generated = [case for op in operations for mode in MODES for case in _generate(op, mode)]
    # Random ids meet 404 first: a third family reaches past it, with ids that exist.
    real = _real_path_values(make_run)
    for op in operations:
        names = {p.name for p in op.path_parameters}
        if names and names <= real.keys():
            values = {name: real[name] for name in names}
            generated += _generate(op, GenerationMode.POSITIVE, values)
    seconds = time.perf_counter() - started
    count = len(operations)
    print(f"\nschemathesis: {len(generated)} cases over {count} operations, {seconds:.0f} s")
    return generated


PROPOSAL = {
    "title": "薛家湾镇老旧小区加装电梯",
    "description": "小区六层无电梯，老人上下楼困难，希望加装电梯。",
    "category": "老旧小区改造",
    "area_code": demo_data.ROSTER_AREA,
    "location": {"text": "薛家湾镇迎宾路小区"},
    "submitter_name": "李秀英",
    "submitter_phone": "13904770000",
}


def _real_path_values(make_run) -> dict[str, str]:
    """Ids that exist on the demo platform: a fresh proposal, the demo town's lists."""
    base = f"{make_run.base_url}/api/v1"
    made = requests.post(f"{base}/proposals", json=PROPOSAL, timeout=30)
    assert made.status_code == 201, made.text
    admin = make_run.login("admin", PASSWORDS["admin"])
    values = {
        "proposal_id": made.json()["id"],
        "tracking_code": made.json()["tracking_code"],
        "code": demo_data.ROSTER_AREA,
        "n": "1",
        "sheet": "1",
        "fmt": "csv",
    }
    for name, path in (("session_id", "sessions"), ("draft_list_id", "draft-lists")):
        listed = requests.get(
            f"{base}/{path}", params={"area_code": values["code"]}, headers=admin, timeout=30
        )
        items = listed.json().get("items", []) if listed.ok else []
        if items:
            values[name] = items[0]["id"]
    return values


def _problem(caller: str, case, response: requests.Response) -> str | None:
    where = f"{caller}: {case.method} {case.formatted_path} → {response.status_code}"
    if response.status_code >= 500:
        return f"{where}\n{case.as_curl_command()}\n{response.text[:500]}"
    if response.status_code >= 400:
        error = response.json().get("error", {})
        if not (error.get("code") and error.get("message")):
            return f"{where}: not the error envelope: {response.text[:300]}"
    return None


# The admin last: what it changes (a session closed, a list frozen) is what the others met.
@pytest.mark.timeout(1800)  # generating the cases (the fixture's setup) is minutes
@pytest.mark.parametrize("caller", ["anonymous", "zhengfu", "admin"])
def test_no_operation_answers_5xx(make_run, cases, caller):
    headers = {} if caller == "anonymous" else make_run.login(caller, PASSWORDS[caller])
    local = threading.local()
    statuses: Counter[int] = Counter()
    problems: list[str] = []

    def send(case) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        response = case.call(session=local.session, headers=headers, timeout=30)
        statuses[response.status_code] += 1
        problem = _problem(caller, case, response)
        if problem:
            problems.append(problem)

    started = time.perf_counter()
    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(send, cases))
    seconds = time.perf_counter() - started
    sent = sum(statuses.values())
    print(f"schemathesis {caller}: {sent} sent in {seconds:.0f} s {dict(statuses)}")
    assert not problems, "\n\n".join(problems[:10])
    assert sent >= FLOOR, dict(statuses)
