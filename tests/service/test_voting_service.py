"""The voting service over its two real SQLite databases (no broker): a whole election with
electronic and paper ballots, the state machine's refusals, quorum, runoff, satisfaction vote,
street consultation, roster import, and who may do what."""

import json
from base64 import b64decode

import pytest
from contracts.ballot_tokens import new_ballot_token
from servicekit.auth import Principal
from servicekit.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from voting.verify import verify

from tests.support.voting_worker import (
    STAFF,
    SUPERVISOR,
    TELLER_A,
    TELLER_B,
    TOWN,
    migrated_databases,
    outbox_events,
    prepared_session,
    roster_csv,
    voting_worker,
)


@pytest.fixture
def dbs(tmp_path):
    with migrated_databases(tmp_path) as databases:
        yield databases


def approve(ids, *chosen):
    return {c: ("approve" if c in chosen else "oppose") for c in ids}


def issue(dbs, session_id, numbers, medium="electronic"):
    """The deputy's device makes each token and the desk registers its hash: the tokens."""
    staff = voting_worker(dbs, STAFF)
    tokens = []
    for n in numbers:
        token, hashed = new_ballot_token("township") if medium == "electronic" else (None, None)
        staff.issue_ballot(session_id, {"deputy_number": n, "medium": medium, "token_hash": hashed})
        tokens.append(token)
    return tokens


def cast(dbs, session_id, token, choices):
    return voting_worker(dbs).cast_ballot(
        {"session_id": session_id, "token": token, "choices": choices}
    )


def enter_both(dbs, session_id, sheet, choices, second=None):
    voting_worker(dbs, TELLER_A).enter_paper_ballot(
        session_id, {"sheet": sheet, "choices": choices}
    )
    return voting_worker(dbs, TELLER_B).enter_paper_ballot(
        session_id, {"sheet": sheet, "choices": choices if second is None else second}
    )


class TestWholeElection:
    def test_electronic_and_paper_ballots_counted_announced_and_verifiable(self, dbs):
        prepared = prepared_session(dbs, deputies=30, candidates=6, seats=3)
        sid, ids = prepared.session_id, prepared.candidates
        staff = voting_worker(dbs, STAFF)
        opened = staff.open_session(sid, {})
        assert opened["state"] == "open" and opened["present"] == 30
        tokens = issue(dbs, sid, [f"D{n:03d}" for n in range(1, 21)])
        issue(dbs, sid, [f"D{n:03d}" for n in range(21, 26)], "paper")
        receipts = [cast(dbs, sid, t, approve(ids, *ids[:3]))["receipt"] for t in tokens]
        assert len(set(receipts)) == 20
        staff.close_session(sid, {})
        for sheet in range(1, 5):
            assert enter_both(dbs, sid, sheet, approve(ids, ids[3]))["status"] == "matched"
        mismatch = enter_both(dbs, sid, 5, approve(ids, ids[0]), approve(ids, ids[1]))
        assert mismatch["status"] == "mismatch"
        with pytest.raises(Conflict):  # not countable yet: the count is missing, a sheet open
            staff.tally_session(sid, {})
        voting_worker(dbs, SUPERVISOR).resolve_paper_ballot(
            sid, 5, {"choices": None, "note": "勾画无法辨认，作无效票"}
        )
        staff.record_paper_count(sid, {"returned": 5})
        tallied = staff.tally_session(sid, {})
        first = tallied["rounds"][0]
        assert first["tally"]["issued"] == 25 and first["tally"]["returned"] == 25
        assert first["tally"]["valid"] == 24 and first["tally"]["invalid"] == 1
        rows = {r["candidate_id"]: r for r in first["candidates"]}
        assert [rows[c]["approve"] for c in ids] == [20, 20, 20, 4, 0, 0]
        assert {c for c, r in rows.items() if r["elected"]} == set(ids[:3])
        assert outbox_events(dbs) == []
        announced = staff.announce_session(sid, {})
        assert announced["rounds"][0]["digest"]
        assert outbox_events(dbs) == ["session_results_announced_v1"]
        staff.publish_session(sid, {})
        # public now, and the export verifies from itself alone
        public = voting_worker(dbs)
        assert public.get_result(sid)["state"] == "published"
        exported = public.get_export(sid, "json", {})
        document = json.loads(b64decode(exported["content_base64"]))
        assert verify(document) == []
        assert document["digest"] == announced["rounds"][0]["digest"]
        assert public.check_receipt(sid, receipts[0])["included"] is True
        assert public.check_receipt(sid, "0000-0000-0000-0000")["included"] is False

    def test_a_token_votes_once_and_not_after_close(self, dbs):
        prepared = prepared_session(dbs)
        sid, ids = prepared.session_id, prepared.candidates
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        first, second = issue(dbs, sid, ["D001", "D002"])
        receipt = cast(dbs, sid, first, approve(ids, ids[0]))
        again = cast(dbs, sid, first, approve(ids, ids[1]))  # a retry: the same receipt
        assert again == {**receipt, "repeated": True} and receipt["repeated"] is False
        with pytest.raises(NotFound):
            cast(dbs, sid, "T" + "0" * 32, approve(ids, ids[0]))
        with pytest.raises(RuleViolation, match="选票无效"):  # more approvals than seats
            cast(dbs, sid, second, approve(ids, *ids[:4]))
        staff.close_session(sid, {})
        with pytest.raises(Conflict, match="投票已结束"):
            cast(dbs, sid, second, approve(ids, ids[0]))
        assert staff.get_session(sid)["cast"] == 1

    def test_a_token_of_another_session_is_refused(self, dbs):
        one = prepared_session(dbs)
        staff = voting_worker(dbs, STAFF)
        other = staff.create_session(
            {
                "area_code": TOWN,
                "year": 2027,
                "kind": "between_sessions",
                "title": "闭会期间票决",
                "candidate_list_id": staff.get_session(one.session_id)["candidate_list_id"],
            }
        )
        staff.start_deliberation(other["id"], {})
        staff.check_in(other["id"], {"deputy_numbers": [f"D{n:03d}" for n in range(1, 31)]})
        staff.open_session(one.session_id, {})
        staff.open_session(other["id"], {})
        (token,) = issue(dbs, one.session_id, ["D001"])
        with pytest.raises(Conflict, match="不属于本次会议"):
            cast(dbs, other["id"], token, approve(one.candidates, one.candidates[0]))


class TestStateMachine:
    def test_steps_cannot_be_skipped_or_repeated(self, dbs):
        prepared = prepared_session(dbs)
        sid = prepared.session_id
        staff = voting_worker(dbs, STAFF)
        for step in (staff.close_session, staff.tally_session, staff.announce_session):
            with pytest.raises(Conflict, match="审议中"):
                step(sid, {})
        with pytest.raises(Conflict, match="投票尚未开始"):
            cast(dbs, sid, "T" + "1" * 32, {})
        staff.open_session(sid, {})
        with pytest.raises(Conflict):
            staff.open_session(sid, {})
        with pytest.raises(Conflict, match="另行投票"):
            staff.open_runoff(sid, {})

    def test_quorum_refuses_with_the_count(self, dbs):
        prepared = prepared_session(dbs, deputies=30, present=20)  # 20 × 3 = 60, not > 60
        with pytest.raises(RuleViolation) as refused:
            voting_worker(dbs, STAFF).open_session(prepared.session_id, {})
        assert refused.value.details == {"present": 20, "quorum_needed": 21, "deputies_total": 30}
        voting_worker(dbs, STAFF).check_in(prepared.session_id, {"deputy_numbers": ["D021"]})
        assert voting_worker(dbs, STAFF).open_session(prepared.session_id, {})["state"] == "open"

    def test_more_returned_than_issued_voids_the_round(self, dbs):
        prepared = prepared_session(dbs)
        sid, ids = prepared.session_id, prepared.candidates
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        issue(dbs, sid, ["D001", "D002"], "paper")
        staff.close_session(sid, {})
        for sheet in (1, 2, 3):
            enter_both(dbs, sid, sheet, approve(ids, ids[0]))
        staff.record_paper_count(sid, {"returned": 3})
        result = staff.tally_session(sid, {})["rounds"][0]
        assert result["outcome"] == "void" and "无效" in result["note"]
        assert not any(r["elected"] for r in result["candidates"])


class TestRunoff:
    def test_tie_at_the_cut_off_goes_to_a_runoff_then_the_event(self, dbs):
        prepared = prepared_session(dbs, deputies=30, candidates=6, seats=2)
        sid, ids = prepared.session_id, prepared.candidates
        a, b, c = ids[:3]
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        tokens = issue(dbs, sid, [f"D{n:03d}" for n in range(1, 31)])
        pairs = [(a, b)] * 10 + [(a, c)] * 10 + [(b, c)] * 10  # 20 each, all over 15
        for token, pair in zip(tokens, pairs, strict=True):
            cast(dbs, sid, token, approve(ids, *pair))
        staff.close_session(sid, {})
        first = staff.tally_session(sid, {})["rounds"][0]
        assert first["outcome"] == "runoff" and first["tally"]["runoff"] == [a, b, c]
        staff.announce_session(sid, {})
        assert outbox_events(dbs) == []  # not final yet
        with pytest.raises(Conflict, match="另行投票"):
            staff.publish_session(sid, {})
        second_round = staff.open_runoff(sid, {})
        assert second_round["round"] == 2
        assert [c["id"] for c in second_round["candidates"]] == [a, b, c]
        tokens = issue(dbs, sid, [f"D{n:03d}" for n in range(1, 31)])
        for n, token in enumerate(tokens):
            cast(dbs, sid, token, {a: "approve", b: "approve"} if n < 20 else {c: "approve"})
        staff.close_session(sid, {})
        staff.tally_session(sid, {})
        final = staff.announce_session(sid, {})
        assert [e["candidate_id"] for e in final["elected"]] == [a, b]
        assert outbox_events(dbs) == ["session_results_announced_v1"]
        for number in (1, 2):
            exported = voting_worker(dbs, STAFF).get_export(sid, "json", {"round": number})
            assert verify(json.loads(b64decode(exported["content_base64"]))) == []


class TestOtherKinds:
    def test_satisfaction_vote(self, dbs):
        prepared = prepared_session(dbs, kind="satisfaction", candidates=3)
        sid, ids = prepared.session_id, prepared.candidates
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        for n, token in enumerate(issue(dbs, sid, [f"D{n:03d}" for n in range(1, 21)])):
            cast(dbs, sid, token, {ids[0]: "满意", ids[1]: "基本满意" if n % 2 else "不满意"})
        with pytest.raises(RuleViolation):
            (token,) = issue(dbs, sid, ["D021"])
            cast(dbs, sid, token, {ids[0]: "approve"})
        staff.close_session(sid, {})
        staff.tally_session(sid, {})
        announced = staff.announce_session(sid, {})
        rows = {r["candidate_id"]: r for r in announced["rounds"][0]["candidates"]}
        assert rows[ids[0]]["rate"] == "20/20" and rows[ids[1]]["rate"] == "10/20"
        assert outbox_events(dbs) == ["satisfaction_vote_completed_v1"]
        exported = staff.get_export(sid, "json", {})
        assert verify(json.loads(b64decode(exported["content_base64"]))) == []

    def test_street_consultation_records_and_announces_the_adopted_list(self, dbs):
        prepared = prepared_session(dbs, kind="street_consultation", candidates=5, seats=3)
        sid, ids = prepared.session_id, prepared.candidates
        staff = voting_worker(dbs, STAFF)
        staff.open_session(sid, {})
        with pytest.raises(RuleViolation):
            issue(dbs, sid, ["D001"])
        with pytest.raises(Conflict, match="会商结果"):
            staff.close_session(sid, {})
        staff.record_consultation(
            sid,
            {
                "participants": ["居民代表甲", "驻街单位乙", "街道干部丙"],
                "minutes": "会商议定：优先实施前三项，其余列入下年度项目库。",
                "adopted": [ids[2], ids[0]],
            },
        )
        for step in (staff.close_session, staff.tally_session):
            step(sid, {})
        announced = staff.announce_session(sid, {})
        assert [e["candidate_id"] for e in announced["elected"]] == [ids[2], ids[0]]
        assert announced["rounds"][0]["digest"]
        assert outbox_events(dbs) == ["session_results_announced_v1"]
        with pytest.raises(Conflict):
            staff.get_export(sid, "json", {})


class TestRostersAndRoles:
    def test_a_roster_with_errors_imports_nothing_and_names_each_row(self, dbs):
        staff = voting_worker(dbs, STAFF)
        bad = roster_csv(5) + "D001,重复,第1代表组,,\n,无编号,第1代表组,123,\n"
        with pytest.raises(RuleViolation) as refused:
            staff.import_roster({"area_code": TOWN, "title": "名册", "csv": bad})
        lines = [row["line"] for row in refused.value.details["rows"]]
        assert lines == [7, 8]
        assert (
            dbs.db.execute(__import__("sqlalchemy").text("SELECT count(*) FROM deputies")).scalar()
            == 0
        )

    def test_only_congress_staff_run_a_session_and_deputies_act_for_themselves(self, dbs):
        prepared = prepared_session(dbs, present=1)
        deputy = Principal("dep002", ("deputy",), TOWN)
        with pytest.raises(Forbidden):
            voting_worker(dbs, deputy).open_session(prepared.session_id, {})
        with pytest.raises(Forbidden):  # not linked to a roster row
            voting_worker(dbs, deputy).check_in(prepared.session_id, {"deputy_numbers": ["D002"]})
        outsider = Principal("other", ("congress_staff",), "150621")
        with pytest.raises(Forbidden):
            voting_worker(dbs, outsider).get_session(prepared.session_id)

    def test_bad_input_is_a_validation_error(self, dbs):
        staff = voting_worker(dbs, STAFF)
        with pytest.raises(ValidationFailed):
            staff.create_session({"area_code": TOWN, "year": 2027, "kind": "x", "title": "t"})
        with pytest.raises(ValidationFailed):
            voting_worker(dbs).cast_ballot({"session_id": "nope", "token": "x", "choices": {}})
