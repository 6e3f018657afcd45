"""Stage 2 (代表定) over HTTP only, against the platform as `make run` starts it (issue 4):

A. a township's frozen candidate list from a collection flow → voting rules and a roster of 90
   deputies → an annual congress session: deliberation by delegations, check-in (quorum refused
   with the count, then met), 60 electronic and 20 paper ballots (double entry, one mismatch
   resolved by the count supervisor), tally, announcement with a digest, collection marking the
   proposals adopted / not adopted, publication, the public result, audit log and exports (the
   JSON verified by `python -m voting.verify`, a tampered copy refused; CSV, Excel, Pabulib).
B. a street consultation (会商制) on its own frozen list.
C. a between-session vote (闭会期间), 10 of 12 deputies present.
D. a satisfaction vote (满意度测评), its `satisfaction_vote_completed_v1` observed on the broker.
A deputy with an account checks in and takes a token only for themselves.
And bad input: each a clear 4xx with the error envelope, never a 500.

Areas used by no other e2e module: 嘎鲁图镇 (A), 哈巴格希街道 (B), 乌审召镇 (C, D, bad input).
"""

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import openpyxl
import pytest
from contracts.ballot_tokens import new_ballot_token
from contracts.events import SATISFACTION_VOTE_COMPLETED
from pabutools.election import parse_pabulib
from servicekit.testing import wait_until

from tests.e2e.test_intake_journey import create_account
from tests.e2e.test_stage_one_journey import wait_for_events
from tests.support.api import Api
from tests.support.events import event_tap

TOWN = "150626100"  # 嘎鲁图镇 (乌审旗)
SMALL_TOWN = "150626101"  # 乌审召镇: a small congress of 12
STREET = "150603001"  # 哈巴格希街道 (康巴什区)
CITY = "150600"  # the test's staff work city-wide, so one set of accounts serves every area
DELEGATIONS = ("第一代表团", "第二代表团", "第三代表团")
CATEGORIES = ("教育", "医疗卫生", "养老托育", "基础设施")
SCORES = {"public_benefit": 5, "inclusive": 4, "urgency": 4, "assessable": 4}
FORMAT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pb": "text/plain; charset=utf-8",
}


@dataclass
class People:
    public: Api  # no login: deputies casting, anyone reading a published result
    gov: Api  # government_staff: builds the candidate lists in collection
    staff: Api  # congress_staff: runs the sessions, and is the first teller (计票人)
    teller: Api  # congress_staff: the second teller
    supervisor: Api  # supervisor: the count supervisor (监票人)
    deputy: Api  # a deputy of 乌审召镇 whose roster row (WZ-001) names their account
    deputy_username: str


@pytest.fixture(scope="module")
def people(make_run) -> People:
    base = make_run.base_url

    def account(username: str, role: str, area: str = CITY) -> Api:
        return Api(base, create_account(make_run, username, role, area))

    return People(
        public=Api(base),
        gov=account("vote-gov", "government_staff"),
        staff=account("vote-renda", "congress_staff"),
        teller=account("vote-teller", "congress_staff"),
        supervisor=account("vote-jianpiao", "supervisor"),
        deputy=account("vote-daibiao", "deputy", SMALL_TOWN),
        deputy_username="vote-daibiao",
    )


# ---- collection: a frozen candidate list -----------------------------------------------------
@dataclass
class FrozenList:
    id: str
    year: int
    candidates: list[str]  # proposal ids in ballot order (the voting candidate ids)
    tracking_codes: dict[str, str]


def frozen_list(people: People, area: str, count: int, seats: int) -> FrozenList:
    """`count` proposals submitted publicly, screened into the library, listed and frozen (the
    area's rounds set to 0: the 三上三下 rounds are test_candidate_list_journey's subject)."""
    notices = people.public.call("GET", "/api/v1/notices", 200, params={"area_code": area})
    year = notices["items"][0]["year"]  # make run's demo data opened one notice per area
    created = []
    for index in range(count):
        proposal = {
            "title": f"民生项目{area[-3:]}-{index:02d}",
            "description": "群众反映强烈，希望尽快实施。",
            "category": CATEGORIES[index % len(CATEGORIES)],
            "area_code": area,
            "location": {"text": "镇区"},
            "estimated_cost_fen": (index + 1) * 1_000_000,
        }
        created.append(people.public.call("POST", "/api/v1/proposals", 201, json=proposal))
        screening = {
            **SCORES,
            "verdict": "in_library",
            "library": {"lead_department": "住建局", "rationale": "符合四项原则"},
        }
        path = f"/api/v1/proposals/{created[-1]['id']}/screenings"
        people.gov.call("POST", path, 201, json=screening)
    settings = {"rounds": 0, "differential_ratio_permille": 200}
    people.gov.call("PUT", f"/api/v1/areas/{area}/collection-settings", 200, json=settings)
    draft = people.gov.call(
        "POST",
        "/api/v1/draft-lists",
        201,
        json={
            "area_code": area,
            "year": year,
            "title": f"{year}年民生实事候选项目",
            "proposal_ids": [p["id"] for p in created],
        },
    )
    frozen = people.gov.call(
        "POST", f"/api/v1/draft-lists/{draft['id']}/freeze", 201, json={"seats": seats}
    )
    return FrozenList(
        frozen["id"],
        year,
        [c["proposal_id"] for c in frozen["candidates"]],
        {p["id"]: p["tracking_code"] for p in created},
    )


def wait_for_adoption(people: People, frozen: FrozenList, session_id: str) -> dict[str, str]:
    """Collection hears the announcement (outbox → relay → RabbitMQ): proposal id → status."""
    path = f"/api/v1/candidate-lists/{frozen.id}"
    wait_until(
        lambda: people.gov.call("GET", path, 200)["results"] is not None,
        30, 0.2, "collection to receive the announced result",
    )  # fmt: skip
    results = people.gov.call("GET", path, 200)["results"]
    assert results["session_id"] == session_id
    return {
        pid: people.public.call("GET", f"/api/v1/proposals/track/{code}", 200)["status"]
        for pid, code in frozen.tracking_codes.items()
    }


# ---- voting: rules, roster, session ----------------------------------------------------------
def roster_csv(prefix: str, count: int, accounts: dict[int, str] | None = None) -> str:
    accounts = accounts or {}
    rows = ["代表证号,姓名,代表团,电话,账号"]
    for n in range(1, count + 1):
        delegation = DELEGATIONS[(n - 1) % len(DELEGATIONS)]
        rows.append(
            f"{number(prefix, n)},代表{n:03d},{delegation},0477-{n:07d},{accounts.get(n, '')}"
        )
    return "\n".join(rows) + "\n"


def number(prefix: str, n: int) -> str:
    return f"{prefix}-{n:03d}"


def rules_and_roster(
    staff: Api, area: str, prefix: str, count: int, accounts: dict[int, str] | None = None
) -> dict:
    rules = {
        "area_code": area,
        "adopted_on": "2026-11-01",
        "document_ref": f"测试人大〔2026〕{area[-3:]}号",
        "publication_channel": "人大主席团公告栏",
    }
    assert staff.call("POST", "/api/v1/voting-rules", 201, json=rules)["version"] == 1
    roster = {
        "area_code": area,
        "title": "人大代表名册",
        "csv": roster_csv(prefix, count, accounts),
    }
    imported = staff.call("POST", "/api/v1/rosters/import", 201, json=roster)
    assert imported["deputies"] == count
    return imported


def new_session(staff: Api, area: str, year: int, kind: str, **binding) -> dict:
    """Create a session; the frozen list reaches voting through the broker, so a list not yet
    received (422 naming the list) is asked again until it has arrived."""
    body = {"area_code": area, "year": year, "kind": kind, "title": f"{year}年{kind}", **binding}
    created: dict = {}

    def attempt() -> bool:
        response = staff.raw("POST", "/api/v1/sessions", json=body)
        if (
            response.status_code == 422
            and "candidate_list_id" in response.json()["error"]["details"]
        ):
            return False
        assert response.status_code == 201, response.text
        created.update(response.json())
        return True

    wait_until(attempt, 30, 0.2, "voting to receive the frozen candidate list")
    assert created["state"] == "draft" and created["id"].startswith("T-")
    return created


def start(staff: Api, session_id: str, numbers: list[str]) -> dict:
    """Deliberation opened, these deputies checked in, the vote opened."""
    staff.call("POST", f"/api/v1/sessions/{session_id}/deliberation", 200, json={})
    staff.call(
        "POST", f"/api/v1/sessions/{session_id}/check-in", 200, json={"deputy_numbers": numbers}
    )
    return staff.call("POST", f"/api/v1/sessions/{session_id}/open", 200, json={})


def token_for(staff: Api, session_id: str, deputy: str) -> str:
    """The token as the deputy's device makes it; the desk registers only its hash."""
    token, hashed = new_ballot_token("township")
    body = {"deputy_number": deputy, "medium": "electronic", "token_hash": hashed}
    issued = staff.call("POST", f"/api/v1/sessions/{session_id}/tokens", 201, json=body)
    assert issued["token_hash"] == hashed and token not in json.dumps(issued)
    return token


def cast(public: Api, session_id: str, token: str, choices: dict, expect: int = 201) -> dict:
    body = {"session_id": session_id, "token": token, "choices": choices}
    return public.call("POST", "/api/v1/ballots", expect, json=body)


def step(staff: Api, session_id: str, name: str) -> dict:
    return staff.call("POST", f"/api/v1/sessions/{session_id}/{name}", 200, json={})


def ballot(candidates: list[str], approved: set[int], opposed: set[int]) -> dict[str, str]:
    """Candidates by 1-based position; anyone unnamed is left out (counted as abstain)."""
    choices = {candidates[n - 1]: "approve" for n in approved}
    return choices | {candidates[n - 1]: "oppose" for n in opposed}


def approvals(ballots: list[dict[str, str]]) -> Counter:
    return Counter(c for b in ballots for c, choice in b.items() if choice == "approve")


def ballots_for(plan: list[tuple[int, set[int], set[int]]], c: list[str]) -> list[dict]:
    """Ballots from (how many, approved positions, opposed positions)."""
    return [ballot(c, approved, opposed) for n, approved, opposed in plan for _ in range(n)]


def verify(path, digest: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voting.verify", str(path), "--digest", digest],
        capture_output=True,
        text=True,
        timeout=60,
    )


# ---- A: the annual congress session ----------------------------------------------------------
# 6 candidates for 5 seats; elected needs approvals from more than half of all 90 deputies (46).
ELECTRONIC = [(30, {1, 2, 3, 4, 5}, {6}), (20, {1, 2, 3, 4}, {5, 6}), (10, {1, 6}, set())]
# Paper as finally counted: 19 sheets alike, and sheet 20 as the supervisor read it.
PAPER_AS_COUNTED = [(19, {1, 2, 3}, {4, 5, 6}), (1, {1, 2}, {3, 4, 5, 6})]


class TestCongressSession:
    def test_from_a_frozen_list_to_a_verified_published_result(self, make_run, people, tmp_path):
        frozen = frozen_list(people, TOWN, count=6, seats=5)
        c = frozen.candidates
        rules_and_roster(people.staff, TOWN, "WS", 90)
        session = new_session(
            people.staff, TOWN, frozen.year, "congress_session", candidate_list_id=frozen.id
        )
        sid = session["id"]
        figures = ("deputies_total", "seats", "quorum_needed", "state")
        assert [session[k] for k in figures] == [90, 5, 61, "draft"]
        assert [x["id"] for x in session["candidates"]] == c

        step(people.staff, sid, "deliberation")
        self.deliberate(people.staff, sid, c)
        self.check_in_to_quorum(people, sid)
        receipts = self.vote_electronically(people, sid, c)
        self.count_paper(people, sid, c)

        tallied = step(people.staff, sid, "tally")
        first = tallied["rounds"][0]
        assert first["outcome"] == "decided"
        assert {k: first["tally"][k] for k in ("issued", "returned", "valid", "invalid")} == {
            "issued": 80, "returned": 80, "valid": 80, "invalid": 0,
        }  # fmt: skip
        expected = approvals(ballots_for(ELECTRONIC + PAPER_AS_COUNTED, c))
        rows = {row["candidate_id"]: row for row in first["candidates"]}
        assert {cid: row["approve"] for cid, row in rows.items()} == expected
        assert [rows[cid]["elected"] for cid in c] == [True, True, True, True, False, False]
        assert [rows[cid]["rank"] for cid in c] == [1, 2, 3, 4, 5, 6]

        people.public.refused("GET", f"/api/v1/sessions/{sid}/result", 401)  # not yet public
        announced = step(people.staff, sid, "announce")
        digest = announced["rounds"][0]["digest"]
        assert len(digest) == 64 and announced["announced_at"]

        statuses = wait_for_adoption(people, frozen, sid)
        assert [statuses[cid] for cid in c] == ["adopted"] * 4 + ["not_adopted"] * 2

        step(people.staff, sid, "publish")
        result = people.public.call("GET", f"/api/v1/sessions/{sid}/result", 200)
        assert result["state"] == "published" and result["published_at"]
        assert [e["candidate_id"] for e in result["elected"]] == c[:4]
        audit = people.public.call("GET", f"/api/v1/sessions/{sid}/audit", 200)
        kinds = [entry["kind"] for entry in audit["entries"]]
        assert "session_opened" in kinds and audit["head"] == audit["entries"][-1]["hash"]
        for code in receipts[:3]:
            check = people.public.call("GET", f"/api/v1/sessions/{sid}/receipts/{code}", 200)
            assert check["included"] is True
        unknown = people.public.call("GET", f"/api/v1/sessions/{sid}/receipts/0000-0000", 200)
        assert unknown["included"] is False
        self.exports_verify(people.public, sid, digest, tmp_path)

    def deliberate(self, staff: Api, sid: str, c: list[str]) -> None:
        """Two of three delegations report; the presidium sees them and the one missing."""
        for delegation, stance in ((DELEGATIONS[0], "support"), (DELEGATIONS[1], "reserve")):
            opinions = [{"candidate_id": c[0], "stance": "support"}]
            opinions.append({"candidate_id": c[5], "stance": stance, "comment": "投资偏大"})
            body = {"delegation": delegation, "opinions": opinions}
            staff.call("POST", f"/api/v1/sessions/{sid}/deliberations", 201, json=body)
        summary = staff.call("GET", f"/api/v1/sessions/{sid}/deliberations", 200)
        assert sorted(summary["delegations_reported"]) == sorted(DELEGATIONS[:2])
        assert summary["delegations_missing"] == [DELEGATIONS[2]]
        rows = {row["candidate_id"]: row for row in summary["candidates"]}
        assert (rows[c[0]]["support"], rows[c[5]]["support"], rows[c[5]]["reserve"]) == (2, 1, 1)

    def check_in_to_quorum(self, people: People, sid: str) -> None:
        """60 of 90 is not more than two thirds: 422 with the count; 80 opens the vote."""
        staff, path = people.staff, f"/api/v1/sessions/{sid}"
        numbers = [number("WS", n) for n in range(1, 61)]
        attendance = staff.call("POST", f"{path}/check-in", 200, json={"deputy_numbers": numbers})
        assert (attendance["present"], attendance["quorum_met"]) == (60, False)
        error = staff.refused("POST", f"{path}/open", 422, json={})
        assert "60 present, 61 needed of 90" in error["message"]
        # nameko carries an error's details across RPC with every value made a string
        assert error["details"] == {"present": 60, "quorum_needed": 61, "deputies_total": 90}
        more = [number("WS", n) for n in range(61, 81)]
        attendance = staff.call("POST", f"{path}/check-in", 200, json={"deputy_numbers": more})
        assert (attendance["present"], attendance["quorum_met"]) == (80, True)
        assert staff.call("POST", f"{path}/open", 200, json={})["state"] == "open"

    def vote_electronically(self, people: People, sid: str, c: list[str]) -> list[str]:
        """60 tokens made on the deputies' devices, only their hashes registered at the desk
        (no-store), each cast without login; one issue and one cast retried as after a lost
        reply answer the same."""
        path, tokens = f"/api/v1/sessions/{sid}/tokens", []
        for n in range(1, 61):
            token, hashed = new_ballot_token("township")
            body = {"deputy_number": number("WS", n), "token_hash": hashed}
            response = people.staff.raw("POST", path, json=body)
            assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
            assert token not in response.text and "qr_svg" not in response.json()
            tokens.append(token)
        retried = people.staff.call("POST", path, 201, json=body)  # the last reply was lost
        assert retried["token_hash"] == hashed and retried["issued"] == 60
        receipts = [
            cast(people.public, sid, token, choices)["receipt"]
            for token, choices in zip(tokens, ballots_for(ELECTRONIC, c), strict=True)
        ]
        again = cast(people.public, sid, tokens[0], ballots_for(ELECTRONIC, c)[1])
        assert again["repeated"] is True and again["receipt"] == receipts[0]
        assert len(set(receipts)) == 60
        return receipts

    def count_paper(self, people: People, sid: str, c: list[str]) -> None:
        """20 paper ballots handed out; after close two tellers enter every sheet; sheet 20 is
        read differently and the count supervisor decides it."""
        path = f"/api/v1/sessions/{sid}"
        for n in range(61, 81):
            body = {"deputy_number": number("WS", n), "medium": "paper"}
            paper = people.staff.call("POST", f"{path}/tokens", 201, json=body)
            assert paper["token_hash"] is None and paper["medium"] == "paper"
        assert step(people.staff, sid, "close")["cast"] == 60
        sheets = ballots_for(PAPER_AS_COUNTED, c)
        for sheet, choices in enumerate(sheets[:-1], 1):
            body = {"sheet": sheet, "choices": choices}
            people.staff.call("POST", f"{path}/paper-ballots", 201, json=body)
            entered = people.teller.call("POST", f"{path}/paper-ballots", 201, json=body)
            assert entered["status"] == "matched"
        misread = ballot(c, {1, 3}, {2, 4, 5, 6})
        people.staff.call(
            "POST", f"{path}/paper-ballots", 201, json={"sheet": 20, "choices": misread}
        )
        second = people.teller.call(
            "POST", f"{path}/paper-ballots", 201, json={"sheet": 20, "choices": sheets[-1]}
        )
        assert second["status"] == "mismatch"
        assert people.staff.call("GET", f"{path}/paper-ballots", 200)["mismatches"] == [20]
        resolution = {"choices": sheets[-1], "note": "第2项划记清楚，第3项为误读，按选票原意计"}
        resolved = people.supervisor.call(
            "POST", f"{path}/paper-ballots/20/resolution", 200, json=resolution
        )
        assert resolved["status"] == "resolved"
        status = people.staff.call("POST", f"{path}/paper-count", 200, json={"returned": 20})
        assert (status["issued"], status["returned"], status["matched"]) == (20, 20, 20)

    def exports_verify(self, public: Api, sid: str, digest: str, tmp_path) -> None:
        files = {}
        for fmt, content_type in FORMAT_TYPES.items():
            response = public.raw("GET", f"/api/v1/sessions/{sid}/export.{fmt}")
            assert response.status_code == 200, (fmt, response.text)
            assert response.headers["Content-Type"] == content_type
            files[fmt] = tmp_path / f"session.{fmt}"
            files[fmt].write_bytes(response.content)

        verified = verify(files["json"], digest)
        assert verified.returncode == 0 and "OK" in verified.stdout, verified.stdout
        document = json.loads(files["json"].read_text(encoding="utf-8"))
        assert len(document["ballots"]) == 80
        first = document["ballots"][0]
        key = next(iter(first))
        first[key] = "oppose" if first[key] == "approve" else "approve"  # one changed ballot
        tampered = tmp_path / "tampered.json"
        tampered.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        refused = verify(tampered, digest)
        assert refused.returncode == 1, refused.stdout

        assert "民生项目" in files["csv"].read_bytes().decode("utf-8-sig")
        workbook = openpyxl.load_workbook(files["xlsx"])
        assert len(workbook.sheetnames) >= 2
        instance, profile = parse_pabulib(str(files["pb"]))
        assert len(instance) == 6 and profile.num_ballots() == 80


# ---- B: a street consultation (会商制) ----------------------------------------------------------
class TestStreetConsultation:
    def test_participants_minutes_and_the_adopted_list_are_announced(self, people):
        frozen = frozen_list(people, STREET, count=5, seats=4)
        c = frozen.candidates
        rules_and_roster(people.staff, STREET, "HB", 9)
        session = new_session(
            people.staff, STREET, frozen.year, "street_consultation", candidate_list_id=frozen.id
        )
        sid, path = session["id"], f"/api/v1/sessions/{session['id']}"
        start(people.staff, sid, [number("HB", n) for n in range(1, 10)])
        people.staff.refused(
            "POST", f"{path}/tokens", 422, json={"deputy_number": "HB-001", "token_hash": "ab" * 32}
        )
        people.staff.refused("POST", f"{path}/close", 409, json={})  # nothing recorded yet
        record = {
            "participants": ["居民代表", "驻街单位代表", "街道办事处干部", "人大街道工委"],
            "minutes": "会商议定：优先实施第三、第一、第二项，其余列入下年度项目库。",
            "adopted": [c[2], c[0], c[1]],
        }
        people.staff.call("POST", f"{path}/consultation", 201, json=record)
        step(people.staff, sid, "close")
        step(people.staff, sid, "tally")
        announced = step(people.staff, sid, "announce")
        assert [e["candidate_id"] for e in announced["elected"]] == [c[2], c[0], c[1]]
        assert len(announced["rounds"][0]["digest"]) == 64

        statuses = wait_for_adoption(people, frozen, sid)
        assert [statuses[cid] for cid in c] == ["adopted"] * 3 + ["not_adopted"] * 2
        step(people.staff, sid, "publish")
        result = people.public.call("GET", f"{path}/result", 200)
        assert result["kind"] == "street_consultation"
        assert result["consultation"]["minutes"] == record["minutes"]


# ---- C: a between-session vote (闭会期间), on the small town's list ------------------------------
@pytest.fixture(scope="module")
def small_town(people) -> FrozenList:
    """乌审召镇: 12 deputies (WZ-001 with a gateway account), rules, and a frozen list of 4
    candidates for 3 seats."""
    frozen = frozen_list(people, SMALL_TOWN, count=4, seats=3)
    rules_and_roster(people.staff, SMALL_TOWN, "WZ", 12, {1: people.deputy_username})
    return frozen


TEN_PRESENT = [number("WZ", n) for n in range(1, 11)]


class TestBetweenSessions:
    def test_ten_of_twelve_decide_the_list(self, people, small_town):
        c = small_town.candidates
        session = new_session(
            people.staff, SMALL_TOWN, small_town.year, "between_sessions",
            candidate_list_id=small_town.id,
        )  # fmt: skip
        sid = session["id"]
        opened = start(people.staff, sid, TEN_PRESENT)
        assert (opened["present"], opened["deputies_total"], opened["quorum_needed"]) == (10, 12, 9)
        plan = [(7, {1, 2, 3}, {4}), (2, {1, 2, 4}, {3}), (1, {1, 4}, {2, 3})]
        for deputy, choices in zip(TEN_PRESENT, ballots_for(plan, c), strict=True):
            cast(people.public, sid, token_for(people.staff, sid, deputy), choices)
        step(people.staff, sid, "close")
        rows = step(people.staff, sid, "tally")["rounds"][0]["candidates"]
        assert [r["approve"] for r in sorted(rows, key=lambda r: r["position"])] == [10, 9, 7, 3]
        announced = step(people.staff, sid, "announce")
        assert [e["candidate_id"] for e in announced["elected"]] == c[:3]  # 7 > 12 / 2
        statuses = wait_for_adoption(people, small_town, sid)
        assert [statuses[cid] for cid in c] == ["adopted"] * 3 + ["not_adopted"]


class TestDeputyForThemselves:
    def test_a_deputy_checks_in_and_takes_a_token_only_for_themselves(self, people, small_town):
        session = new_session(
            people.staff, SMALL_TOWN, small_town.year, "between_sessions",
            candidate_list_id=small_town.id,
        )  # fmt: skip
        path, deputy = f"/api/v1/sessions/{session['id']}", people.deputy
        step(people.staff, session["id"], "deliberation")
        own = deputy.call("POST", f"{path}/check-in", 200, json={"deputy_numbers": ["WZ-001"]})
        assert own["checked_in"] == ["WZ-001"]
        deputy.refused("POST", f"{path}/check-in", 403, json={"deputy_numbers": ["WZ-002"]})
        others = {"deputy_numbers": TEN_PRESENT[1:]}
        people.staff.call("POST", f"{path}/check-in", 200, json=others)
        deputy.refused("POST", f"{path}/open", 403, json={})  # only staff run the session
        step(people.staff, session["id"], "open")
        token, hashed = new_ballot_token("township")  # on the deputy's own phone
        own_hash = {"deputy_number": "WZ-001", "token_hash": hashed}
        issued = deputy.raw("POST", f"{path}/tokens", json=own_hash)
        assert issued.status_code == 201 and issued.headers["Cache-Control"] == "no-store"
        other = {"deputy_number": "WZ-002", "token_hash": new_ballot_token("township")[1]}
        deputy.refused("POST", f"{path}/tokens", 403, json=other)
        view = people.staff.call("GET", f"{path}/attendance", 200)
        rows = {r["deputy_number"]: r for r in view["deputies"]}
        assert rows["WZ-001"]["confirmed_by_deputy"] and not rows["WZ-002"]["confirmed_by_deputy"]
        assert rows["WZ-001"]["issued_by"] == rows["WZ-001"]["checked_in_by"]  # the deputy
        assert (view["confirmed"], view["desk_only"]) == (1, len(TEN_PRESENT) - 1)
        cast(people.public, session["id"], token, {small_town.candidates[0]: "approve"})

    def test_a_lost_phone_is_reissued_and_the_old_token_no_longer_votes(self, people, small_town):
        session = new_session(
            people.staff, SMALL_TOWN, small_town.year, "between_sessions",
            candidate_list_id=small_town.id,
        )  # fmt: skip
        sid, path = session["id"], f"/api/v1/sessions/{session['id']}"
        start(people.staff, sid, TEN_PRESENT)
        lost, kept = token_for(people.staff, sid, "WZ-001"), token_for(people.staff, sid, "WZ-002")
        new, hashed = new_ballot_token("township")
        body = {"deputy_number": "WZ-001", "token_hash": hashed, "reason": "手机遗失"}
        assert people.staff.call("POST", f"{path}/tokens/reissue", 200, json=body)["reissues"] == 1
        one = {small_town.candidates[0]: "approve"}
        cast(people.public, sid, lost, one, expect=404)
        cast(people.public, sid, new, one)
        cast(people.public, sid, kept, one)
        spent = {"deputy_number": "WZ-002", "token_hash": new_ballot_token("township")[1]}
        refused = people.staff.refused(
            "POST", f"{path}/tokens/reissue", 409, json={**body, **spent}
        )
        assert "不能补发" in refused["message"]


# ---- D: a satisfaction vote (满意度测评) -------------------------------------------------------
@pytest.fixture(scope="module")
def completed_events(amqp_uri):
    """A test consumer's own queue on voting.events, bound before the vote is announced."""
    with event_tap(amqp_uri, SATISFACTION_VOTE_COMPLETED) as drain:
        yield drain


class TestSatisfactionVote:
    def test_projects_are_rated_and_the_completion_is_published(
        self, people, small_town, completed_events
    ):
        projects = [
            {"project_id": "WZ-2026-01", "title": "乌审召镇敬老院改造"},
            {"project_id": "WZ-2026-02", "title": "乌审召镇供水管网更新"},
            {"project_id": "WZ-2026-03", "title": "乌审召镇卫生院扩建"},
        ]
        p1, p2, p3 = (p["project_id"] for p in projects)
        session = new_session(
            people.staff, SMALL_TOWN, small_town.year, "satisfaction", projects=projects
        )
        sid = session["id"]
        start(people.staff, sid, TEN_PRESENT)
        tokens = [token_for(people.staff, sid, deputy) for deputy in TEN_PRESENT]
        wrong = cast(people.public, sid, tokens[0], {p1: "approve"}, expect=422)
        assert wrong["error"]["code"]
        for n, token in enumerate(tokens):
            p2_choice = "满意" if n < 6 else "基本满意" if n < 8 else "不满意"
            choices = {p1: "满意", p2: p2_choice, p3: "满意" if n % 2 else "不满意"}
            cast(people.public, sid, token, choices)
        step(people.staff, sid, "close")
        step(people.staff, sid, "tally")
        announced = step(people.staff, sid, "announce")
        rows = {r["candidate_id"]: r for r in announced["rounds"][0]["candidates"]}
        assert (rows[p1]["rate"], rows[p2]["rate"], rows[p3]["rate"]) == ("10/10", "8/10", "5/10")
        assert (rows[p2]["satisfied"], rows[p2]["basically"], rows[p2]["dissatisfied"]) == (6, 2, 2)

        events = wait_for_events(completed_events)
        assert [e["payload"]["session_id"] for e in events] == [sid]  # exactly once
        payload = events[0]["payload"]
        assert payload["digest"] == announced["rounds"][0]["digest"] and payload["void"] is False
        assert {p["project_id"]: p["rate_permille"] for p in payload["projects"]} == {
            p1: 1000, p2: 800, p3: 500,
        }  # fmt: skip
        step(people.staff, sid, "publish")
        public = people.public.call("GET", f"/api/v1/sessions/{sid}/result", 200)
        assert public["kind"] == "satisfaction" and public["state"] == "published"


# ---- bad input -------------------------------------------------------------------------------
class TestBadInput:
    def test_each_mistake_is_a_clear_4xx_never_a_500(self, people, small_town):
        staff, public, c = people.staff, people.public, small_town.candidates
        body = {"candidate_list_id": small_town.id}
        x = new_session(staff, SMALL_TOWN, small_town.year, "between_sessions", **body)["id"]
        y = new_session(staff, SMALL_TOWN, small_town.year, "between_sessions", **body)["id"]
        start(staff, x, TEN_PRESENT)
        token, spare = (token_for(staff, x, deputy) for deputy in TEN_PRESENT[:2])
        one = {c[0]: "approve"}

        def refused(expect: int, session_id: str, token: str, choices: dict) -> str:
            sent = {"session_id": session_id, "token": token, "choices": choices}
            return public.refused("POST", "/api/v1/ballots", expect, json=sent)["message"]

        assert "尚未开始" in refused(409, y, token, one)  # y is not open yet
        start(staff, y, TEN_PRESENT)
        assert "不属于本次会议" in refused(409, y, token, one)  # a token of x cast in y
        refused(422, x, token, dict.fromkeys(c, "approve"))  # 4 approvals for 3 seats
        refused(422, x, token, {c[0]: "maybe"})
        refused(404, x, "T" + "0" * 32, one)  # unknown token
        refused(404, "T-" + "0" * 32, token, one)  # unknown session
        refused(400, x, "not-a-token", one)
        refused(400, "not-a-session", token, one)
        first = cast(public, x, token, one)
        assert cast(public, x, token, one) == {**first, "repeated": True}  # a retry

        path = f"/api/v1/sessions/{x}"
        for deputy in ("WZ-003", "WZ-004"):
            staff.call("POST", f"{path}/tokens", 201, json=paper_for(deputy))
        step(staff, x, "close")
        assert "已结束" in refused(409, x, spare, one)  # after close
        sheet = {"sheet": 1, "choices": one}
        staff.call("POST", f"{path}/paper-ballots", 201, json=sheet)
        twice = staff.refused("POST", f"{path}/paper-ballots", 409, json=sheet)  # same teller
        assert "另一名计票人" in twice["message"]
        assert "收回" in staff.refused("POST", f"{path}/tally", 409, json={})["message"]
        staff.call("POST", f"{path}/paper-count", 200, json={"returned": 2})
        details = staff.refused("POST", f"{path}/tally", 409, json={})["details"]
        assert (details["unfinished"], details["missing"]) == ([1], [2])
        staff.refused("POST", f"{path}/announce", 409, json={})  # not tallied

        public.refused("GET", f"/api/v1/sessions/{x}/result", 401)  # not published
        public.refused("GET", f"/api/v1/sessions/{x}/export.pdf", 404)  # no such format
        public.refused("GET", "/api/v1/sessions/not-a-session/result", 404)
        staff.refused("GET", "/api/v1/sessions/not-a-session", 404)
        staff.refused("POST", "/api/v1/sessions", 400, json={"area_code": SMALL_TOWN})
        people.deputy.refused("POST", f"/api/v1/sessions/{y}/close", 403, json={})


def paper_for(deputy: str) -> dict:
    return {"deputy_number": deputy, "medium": "paper"}
