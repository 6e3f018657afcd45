"""A whole vote over the gateway's HTTP API, as any client makes it: proposals submitted
publicly → screened into the project library → a draft list (no 三上三下 rounds) → frozen →
a congress session on it → deliberation → check-in → tokens made "on the deputies' devices"
→ ballots → close → tally → announce. Announced, the result reaches implementation, which
makes one project per elected candidate.

One place for it: the demo data of `make run` (scripts.demo_projects) and the e2e journeys
(tests/e2e/test_township_year.py) both vote through here; scripts cannot import tests, tests
can import scripts. Plain urllib: `make run` needs nothing the tests bring.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from contracts.ballot_tokens import new_ballot_token

SCORES = {"public_benefit": 5, "inclusive": 4, "urgency": 4, "assessable": 4}
DELEGATIONS = ("第一代表组", "第二代表组", "第三代表组")


READ_RETRIES = 5


def _exchange(request: urllib.request.Request) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


class Refused(RuntimeError):
    """An answer other than the one expected: the method, path, status and body, in one line."""

    def __init__(self, method: str, path: str, status: int, body: Any):
        super().__init__(f"{method} {path} → {status} {json.dumps(body, ensure_ascii=False)}")
        self.status, self.body = status, body


class Http:
    """A JSON caller of the gateway, logged in (a bearer token) or not."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url, self.token = base_url, token

    def send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> tuple[int, Any]:
        url = f"{self.base_url}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data, headers, method=method)
        # A read answered 503 (a level's workers or database busy, as on a loaded machine at
        # start-up) is asked again a few times; a write is not: its 503 may follow a commit.
        tries = READ_RETRIES if method == "GET" else 1
        for attempt in range(tries):
            status, answer = _exchange(request)
            if status != 503 or attempt == tries - 1:
                break
            time.sleep(0.5 * (attempt + 1))
        return status, answer

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        status, answer = self.send(method, path, **kwargs)
        if status != expect:
            raise Refused(method, path, status, answer)
        return answer


def login(base_url: str, username: str, password: str) -> Http:
    body = {"username": username, "password": password}
    answer = Http(base_url).call("POST", "/api/v1/auth/token", body=body)
    return Http(base_url, str(answer["access_token"]))


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    """What the broker carries arrives a little later: ask again until it has."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {seconds:g} s waiting for {what}")


@dataclass(frozen=True)
class Proposal:
    title: str
    category: str
    estimated_cost_fen: int
    description: str = "群众反映强烈，希望尽快实施。"
    location: str = "镇区"
    lead_department: str = "住房和城乡建设局"


@dataclass
class FrozenList:
    id: str
    area_code: str
    year: int
    candidates: list[str]  # proposal ids in ballot order (the voting candidate ids)
    tracking_codes: dict[str, str]  # proposal id → the submitter's tracking code
    titles: dict[str, str] = field(default_factory=dict)  # proposal id → title


def roster_csv(
    prefix: str, count: int, accounts: dict[int, str] | None = None, name: str = "代表{n:03d}"
) -> str:
    """Made-up deputies PREFIX-001… named by `name`, phones 0477-0000001…, in three
    delegations; `accounts` names the gateway account (账号) of some rows."""
    accounts = accounts or {}
    rows = ["代表证号,姓名,代表团,电话,账号"]
    for n in range(1, count + 1):
        delegation = DELEGATIONS[(n - 1) % len(DELEGATIONS)]
        person = name.format(n=n)
        rows.append(f"{prefix}-{n:03d},{person},{delegation},0477-{n:07d},{accounts.get(n, '')}")
    return "\n".join(rows) + "\n"


def adopt_rules(
    staff: Http, area_code: str, adopted_on: date, document_ref: str, channel: str
) -> int:
    """The area's voting rules (票决办法) with the defaults; returns their version."""
    body = {
        "area_code": area_code,
        "adopted_on": adopted_on.isoformat(),
        "document_ref": document_ref,
        "publication_channel": channel,
    }
    return int(staff.call("POST", "/api/v1/voting-rules", 201, body=body)["version"])


def import_roster(staff: Http, area_code: str, title: str, csv: str) -> int:
    """A roster imported all or nothing; returns how many deputies it holds."""
    body = {"area_code": area_code, "title": title, "csv": csv}
    return int(staff.call("POST", "/api/v1/rosters/import", 201, body=body)["deputies"])


def submit(public: Http, area_code: str, proposal: Proposal) -> dict[str, Any]:
    body = {
        "title": proposal.title,
        "description": proposal.description,
        "category": proposal.category,
        "area_code": area_code,
        "location": {"text": proposal.location},
        "estimated_cost_fen": proposal.estimated_cost_fen,
    }
    return dict(public.call("POST", "/api/v1/proposals", 201, body=body))


def screen_in(gov: Http, proposal_id: str, lead_department: str) -> None:
    library = {"lead_department": lead_department, "rationale": "符合四项原则"}
    body = {**SCORES, "verdict": "in_library", "library": library}
    gov.call("POST", f"/api/v1/proposals/{proposal_id}/screenings", 201, body=body)


def freeze(
    gov: Http, area_code: str, year: int, submitted: Sequence[dict[str, Any]], seats: int
) -> FrozenList:
    """Screened proposals (each `submit`'s answer) listed and frozen for `seats` seats."""
    settings = {"rounds": 0, "differential_ratio_permille": 200}
    gov.call("PUT", f"/api/v1/areas/{area_code}/collection-settings", body=settings)
    ids = [p["id"] for p in submitted]
    draft = {
        "area_code": area_code,
        "year": year,
        "title": f"{year}年民生实事候选项目",
        "proposal_ids": ids,
    }
    draft_id = gov.call("POST", "/api/v1/draft-lists", 201, body=draft)["id"]
    frozen = gov.call("POST", f"/api/v1/draft-lists/{draft_id}/freeze", 201, body={"seats": seats})
    return FrozenList(
        frozen["id"],
        area_code,
        year,
        [c["proposal_id"] for c in frozen["candidates"]],
        {p["id"]: p["tracking_code"] for p in submitted},
    )


def candidate_list(
    public: Http,
    gov: Http,
    area_code: str,
    year: int,
    proposals: Sequence[Proposal],
    seats: int,
    submitted: Sequence[dict[str, Any]] = (),
) -> FrozenList:
    """Each proposal submitted (unless `submitted` already holds the answers), screened into
    the library and frozen in one list of `seats` seats."""
    answers = list(submitted) or [submit(public, area_code, p) for p in proposals]
    for answer, proposal in zip(answers, proposals, strict=True):
        screen_in(gov, answer["id"], proposal.lead_department)
    frozen = freeze(gov, area_code, year, answers, seats)
    frozen.titles = {a["id"]: p.title for a, p in zip(answers, proposals, strict=True)}
    return frozen


def new_session(staff: Http, frozen: FrozenList, title: str) -> dict[str, Any]:
    """A congress session on the frozen list; the list reaches voting over the broker, so a
    422 naming it is asked again until it has arrived."""
    body = {
        "area_code": frozen.area_code,
        "year": frozen.year,
        "kind": "congress_session",
        "title": title,
        "candidate_list_id": frozen.id,
    }

    def attempt() -> dict[str, Any] | None:
        status, answer = staff.send("POST", "/api/v1/sessions", body=body)
        details = (answer.get("error") or {}).get("details") or {}
        if status == 422 and "candidate_list_id" in details:
            return None
        if status != 201:
            raise Refused("POST", "/api/v1/sessions", status, answer)
        return dict(answer)

    return dict(wait_for(attempt, 30, "voting to receive the frozen candidate list"))


def cast_all(
    staff: Http, public: Http, session_id: str, ballots: Sequence[tuple[str, dict[str, str]]]
) -> list[str]:
    """(deputy number, choices) each: the token made on the deputy's device, its hash
    registered at the desk, the ballot cast without a login. Returns the receipts."""
    receipts = []
    for deputy, choices in ballots:
        token, hashed = new_ballot_token("township")
        issue = {"deputy_number": deputy, "medium": "electronic", "token_hash": hashed}
        staff.call("POST", f"/api/v1/sessions/{session_id}/tokens", 201, body=issue)
        cast = {"session_id": session_id, "token": token, "choices": choices}
        receipts.append(public.call("POST", "/api/v1/ballots", 201, body=cast)["receipt"])
    return receipts


def step(staff: Http, session_id: str, name: str) -> dict[str, Any]:
    return dict(staff.call("POST", f"/api/v1/sessions/{session_id}/{name}", body={}))


def hold_vote(
    staff: Http,
    public: Http,
    frozen: FrozenList,
    present: Sequence[str],
    ballots: Sequence[dict[str, str]],
    title: str,
) -> dict[str, Any]:
    """The session from draft to announced: `present` deputies checked in at the desk, one
    ballot each for the first len(ballots) of them. Returns the announcement."""
    session = new_session(staff, frozen, title)
    sid = session["id"]
    step(staff, sid, "deliberation")
    checked = {"deputy_numbers": list(present)}
    staff.call("POST", f"/api/v1/sessions/{sid}/check-in", body=checked)
    step(staff, sid, "open")
    cast_all(staff, public, sid, list(zip(present, ballots, strict=False)))
    step(staff, sid, "close")
    step(staff, sid, "tally")
    return step(staff, sid, "announce")


def projects_of(reader: Http, area_code: str, year: int, count: int) -> list[dict[str, Any]]:
    """The area's projects of the year once implementation has made `count` of them."""
    params = {"area_code": area_code, "year": year, "page_size": 200}

    def made() -> list[dict[str, Any]] | None:
        items = reader.call("GET", "/api/v1/projects", params=params)["items"]
        return items if len(items) >= count else None

    return list(wait_for(made, 30, f"implementation to make {count} projects"))
