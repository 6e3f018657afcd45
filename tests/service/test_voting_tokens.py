"""Issue 11 item 4, the attacks on issuing and casting, over the voting service's two real
SQLite databases: the clerk who relays an issue holds nothing that can vote, a lost reply
(issue or cast) retried loses nothing, a lost device's token is voided on reissue (never once
it voted), check-ins say who checked whom in and which the deputy confirmed, and an unknown
token is refused without the box's write lock."""

import sqlite3
import time

import pytest
from contracts.ballot_tokens import new_ballot_token, receipt_for, token_hash
from servicekit.auth import Principal
from servicekit.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from sqlalchemy import select
from voting.box import store
from voting.box.models import BallotToken
from voting.db import roll as roll_db
from voting.db.models import Issuance
from voting.use_cases import roll

from tests.support.voting_worker import (
    STAFF,
    TOWN,
    migrated_databases,
    prepared_session,
    voting_worker,
)

DEPUTY_1 = Principal("u-dep001", ("deputy",), TOWN, "dep001")  # roster D001 names dep001
DEPUTY_2 = Principal("u-dep002", ("deputy",), TOWN, "dep002")


@pytest.fixture
def dbs(tmp_path):
    with migrated_databases(tmp_path) as databases:
        yield databases


@pytest.fixture
def floor(dbs):
    prepared = prepared_session(dbs, present=25, usernames=True)
    voting_worker(dbs, STAFF).open_session(prepared.session_id, {})
    return prepared


def issue(dbs, sid, number, hashed, who=STAFF):
    return voting_worker(dbs, who).issue_ballot(
        sid, {"deputy_number": number, "token_hash": hashed}
    )


def cast(dbs, sid, token, choices):
    return voting_worker(dbs).cast_ballot({"session_id": sid, "token": token, "choices": choices})


def approving(ids):
    return {ids[0]: "approve"}


def box_tokens(dbs, sid):
    dbs.box.rollback()
    return dbs.box.scalars(select(BallotToken).where(BallotToken.session_id == sid)).all()


class TestTheClerkHoldsNoToken:
    def test_nothing_in_the_issue_reply_can_vote(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        reply = issue(dbs, floor.session_id, "D001", hashed)
        assert reply["token_hash"] == hashed and reply["issued_by"] == STAFF.user_id
        assert token not in repr(reply)
        for value in (str(v) for v in reply.values()):
            candidates = {value, value.upper(), "T" + value[:32].upper()}
            for attempt in candidates:
                with pytest.raises((NotFound, ValidationFailed)):
                    cast(dbs, floor.session_id, attempt, approving(floor.candidates))
        assert cast(dbs, floor.session_id, token, approving(floor.candidates))["receipt"]

    def test_the_roll_keeps_no_token_hash(self, dbs, floor):
        _, hashed = new_ballot_token("township")
        issue(dbs, floor.session_id, "D001", hashed)
        row = dbs.db.get(Issuance, (floor.session_id, 1, "D001"))
        assert hashed not in {row.token_ref, row.issued_by, row.medium}
        assert row.token_ref is not None and len(row.token_ref) == 64

    def test_an_issue_without_a_hash_or_with_a_bad_one_is_refused(self, dbs, floor):
        worker = voting_worker(dbs, STAFF)
        for body in (
            {"deputy_number": "D001"},
            {"deputy_number": "D001", "token_hash": "AB" * 32},
            {"deputy_number": "D001", "token_hash": "ab" * 32 + "\n"},
            {"deputy_number": "D001", "medium": "paper", "token_hash": "ab" * 32},
        ):
            with pytest.raises(ValidationFailed):
                worker.issue_ballot(floor.session_id, body)


class TestRetriedIssue:
    def test_the_same_hash_again_answers_the_same_and_adds_nothing(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        first = issue(dbs, floor.session_id, "D001", hashed)
        again = issue(dbs, floor.session_id, "D001", hashed)
        assert again == first and first["issued"] == 1
        assert [t.token_hash for t in box_tokens(dbs, floor.session_id)] == [hashed]
        assert cast(dbs, floor.session_id, token, approving(floor.candidates))["receipt"]

    def test_another_hash_for_an_issued_deputy_is_409(self, dbs, floor):
        issue(dbs, floor.session_id, "D001", new_ballot_token("township")[1])
        with pytest.raises(Conflict, match="已领取"):
            issue(dbs, floor.session_id, "D001", new_ballot_token("township")[1])
        assert len(box_tokens(dbs, floor.session_id)) == 1

    def test_a_hash_another_deputy_registered_is_409(self, dbs, floor):
        _, hashed = new_ballot_token("township")
        issue(dbs, floor.session_id, "D001", hashed)
        with pytest.raises(Conflict, match="已登记"):
            issue(dbs, floor.session_id, "D002", hashed)

    def test_a_hash_left_in_the_box_by_a_dead_issue_is_adopted_on_retry(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        store.add_token(dbs.box, floor.session_id, 1, hashed)  # the box done, the roll not
        dbs.box.commit()
        assert issue(dbs, floor.session_id, "D001", hashed)["issued"] == 1
        assert cast(dbs, floor.session_id, token, approving(floor.candidates))["receipt"]

    def test_a_retry_racing_the_original_answers_it_and_keeps_the_hash(
        self, dbs, floor, monkeypatch
    ):
        """The retry looked for the deputy's issuance before the original committed it: the
        roll then refuses its row. It used to take the hash out of the box — the hash the
        original's roll row points at — so the deputy's token could no longer vote."""
        token, hashed = new_ballot_token("township")
        first = issue(dbs, floor.session_id, "D001", hashed)  # the original, committed
        looked = roll.db.issuance
        misses = iter([None])  # the retry's first look, taken before that commit
        monkeypatch.setattr(roll.db, "issuance", lambda *a: next(misses, None) or looked(*a))
        assert issue(dbs, floor.session_id, "D001", hashed) == first
        assert [t.token_hash for t in box_tokens(dbs, floor.session_id)] == [hashed]
        assert cast(dbs, floor.session_id, token, approving(floor.candidates))["receipt"]

    def test_a_racing_issue_with_another_hash_is_409_and_its_hash_removed(
        self, dbs, floor, monkeypatch
    ):
        issue(dbs, floor.session_id, "D001", new_ballot_token("township")[1])
        looked = roll.db.issuance
        misses = iter([None])
        monkeypatch.setattr(roll.db, "issuance", lambda *a: next(misses, None) or looked(*a))
        _, other = new_ballot_token("township")
        with pytest.raises(Conflict, match="已领取"):
            issue(dbs, floor.session_id, "D001", other)
        assert other not in {t.token_hash for t in box_tokens(dbs, floor.session_id)}


class TestRetriedCast:
    def test_a_lost_reply_retried_answers_the_same_receipt_and_one_ballot(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        issue(dbs, floor.session_id, "D001", hashed)
        ids = floor.candidates
        first = cast(dbs, floor.session_id, token, {ids[0]: "approve"})
        again = cast(dbs, floor.session_id, token, {ids[1]: "approve"})  # choices ignored
        assert first["receipt"] == again["receipt"] == receipt_for(token)
        assert (first["repeated"], again["repeated"]) == (False, True)
        dbs.box.rollback()
        assert store.count(dbs.box, floor.session_id, 1) == 1
        assert store.ballots(dbs.box, floor.session_id, 1) == [{ids[0]: "approve"}]

    def test_a_retry_after_the_close_is_still_refused(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        issue(dbs, floor.session_id, "D001", hashed)
        cast(dbs, floor.session_id, token, approving(floor.candidates))
        voting_worker(dbs, STAFF).close_session(floor.session_id, {})
        with pytest.raises(Conflict, match="投票已结束"):
            cast(dbs, floor.session_id, token, approving(floor.candidates))


class TestReissue:
    def reissue(self, dbs, sid, number, hashed, who=STAFF):
        body = {"deputy_number": number, "token_hash": hashed, "reason": "手机遗失"}
        return voting_worker(dbs, who).reissue_ballot(sid, body)

    def test_the_old_token_is_void_and_the_new_one_votes(self, dbs, floor):
        sid = floor.session_id
        old, old_hash = new_ballot_token("township")
        issue(dbs, sid, "D001", old_hash)
        new, new_hash = new_ballot_token("township")
        reply = self.reissue(dbs, sid, "D001", new_hash)
        assert reply["reissues"] == 1 and reply["token_hash"] == new_hash
        assert self.reissue(dbs, sid, "D001", new_hash) == reply  # a retried reissue
        with pytest.raises(NotFound):
            cast(dbs, sid, old, approving(floor.candidates))
        assert cast(dbs, sid, new, approving(floor.candidates))["repeated"] is False
        assert [t.token_hash for t in box_tokens(dbs, sid)] == [new_hash]
        audit = voting_worker(dbs, STAFF).get_audit(sid)["entries"]
        kinds = {e["kind"]: e["data"] for e in audit}
        for kind in ("ballot_token_voided", "ballot_token_reissued"):
            assert kinds[kind]["by"] == STAFF.user_id and kinds[kind]["deputy_number"] == "D001"
        assert old_hash not in repr(audit) and new_hash not in repr(audit)

    def test_a_reissue_holds_the_session_so_no_other_lands_in_between(
        self, dbs, floor, monkeypatch
    ):
        """SQLite has no row lock: the session's locked read writes first, so another worker's
        reissue of the deputy cannot land between this one's read and its write (here it is
        refused at once, with a 0.1 s busy timeout); the box then holds one live token."""
        sid = floor.session_id
        _, old_hash = new_ballot_token("township")
        issue(dbs, sid, "D001", old_hash)
        record, blocked = roll_db.record_reissue, []

        def another_tries_meanwhile(session, issuance, ref):
            path = dbs.db.get_bind().url.database
            with sqlite3.connect(path, timeout=0.1) as other:
                try:
                    other.execute("UPDATE issuances SET reissues = reissues + 1")
                except sqlite3.OperationalError as exc:
                    blocked.append(str(exc))
            return record(session, issuance, ref)

        monkeypatch.setattr(roll.roll_db, "record_reissue", another_tries_meanwhile)
        _, new_hash = new_ballot_token("township")
        self.reissue(dbs, sid, "D001", new_hash)
        assert blocked == ["database is locked"]
        live = {t.token_hash for t in box_tokens(dbs, sid)}
        assert new_hash in live and old_hash not in live

    def test_a_spent_token_cannot_be_reissued(self, dbs, floor):
        sid = floor.session_id
        token, hashed = new_ballot_token("township")
        issue(dbs, sid, "D001", hashed)
        receipt = cast(dbs, sid, token, approving(floor.candidates))
        with pytest.raises(Conflict, match="不能补发"):
            self.reissue(dbs, sid, "D001", new_ballot_token("township")[1])
        assert cast(dbs, sid, token, approving(floor.candidates))["receipt"] == receipt["receipt"]
        assert voting_worker(dbs, STAFF).attendance_report(sid)["deputies"][0]["reissues"] == 0

    def test_nothing_issued_or_paper_is_not_reissued(self, dbs, floor):
        with pytest.raises(RuleViolation):
            self.reissue(dbs, floor.session_id, "D002", new_ballot_token("township")[1])
        voting_worker(dbs, STAFF).issue_ballot(
            floor.session_id, {"deputy_number": "D003", "medium": "paper"}
        )
        with pytest.raises(Conflict, match="纸质"):
            self.reissue(dbs, floor.session_id, "D003", new_ballot_token("township")[1])

    def test_a_deputy_reissues_only_their_own(self, dbs, floor):
        sid = floor.session_id
        issue(dbs, sid, "D002", new_ballot_token("township")[1])
        with pytest.raises(Exception, match="本人"):
            self.reissue(dbs, sid, "D002", new_ballot_token("township")[1], who=DEPUTY_1)


class TestCheckInRecordsWho:
    def test_desk_and_deputy_check_ins_are_told_apart(self, dbs):
        prepared = prepared_session(dbs, present=2, usernames=True)  # D001, D002 at the desk
        sid = prepared.session_id
        desk = voting_worker(dbs, STAFF).attendance_report(sid)
        assert (desk["present"], desk["confirmed"], desk["desk_only"]) == (2, 0, 2)
        assert {r["checked_in_by"] for r in desk["deputies"]} == {STAFF.user_id}
        confirmed = voting_worker(dbs, DEPUTY_1).check_in(sid, {"deputy_numbers": ["D001"]})
        assert confirmed["already"] == ["D001"] and confirmed["confirmed"] == 1
        view = voting_worker(dbs, STAFF).attendance_report(sid)
        rows = {r["deputy_number"]: r for r in view["deputies"]}
        assert rows["D001"]["confirmed_by_deputy"] and rows["D001"]["confirmed_at"]
        assert rows["D001"]["checked_in_by"] == STAFF.user_id  # who checked them in stays
        assert not rows["D002"]["confirmed_by_deputy"]
        assert (view["present"], view["confirmed"], view["desk_only"]) == (2, 1, 1)

    def test_a_deputy_checking_in_alone_is_confirmed_at_once(self, dbs):
        prepared = prepared_session(dbs, present=1, usernames=True)  # D001 at the desk
        voting_worker(dbs, DEPUTY_2).check_in(prepared.session_id, {"deputy_numbers": ["D002"]})
        view = voting_worker(dbs, STAFF).attendance_report(prepared.session_id)
        row = next(r for r in view["deputies"] if r["deputy_number"] == "D002")
        assert row["checked_in_by"] == DEPUTY_2.user_id and row["confirmed_by_deputy"]
        assert (view["present"], view["confirmed"], view["desk_only"]) == (2, 1, 1)

    def test_the_view_says_who_issued(self, dbs, floor):
        issue(dbs, floor.session_id, "D001", new_ballot_token("township")[1], who=DEPUTY_1)
        issue(dbs, floor.session_id, "D002", new_ballot_token("township")[1])
        rows = voting_worker(dbs, STAFF).attendance_report(floor.session_id)["deputies"]
        issuers = {r["deputy_number"]: r["issued_by"] for r in rows if r["medium"]}
        assert issuers == {"D001": DEPUTY_1.user_id, "D002": STAFF.user_id}


class TestUnknownTokensTakeNoWriteLock:
    def test_an_unknown_token_is_refused_while_another_writer_holds_the_box(self, dbs, floor):
        """The old cast ran the spend UPDATE first: it queued for the box's write lock (SQLite's
        busy timeout, 10 s) behind any writer, for a token that does not exist."""
        path = dbs.box.get_bind().url.database
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the box's write lock, held
            started = time.monotonic()
            with pytest.raises(NotFound):
                cast(dbs, floor.session_id, "T" + "0" * 32, approving(floor.candidates))
            assert time.monotonic() - started < 1.0
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def test_the_token_hash_is_what_the_box_holds(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        assert token_hash(token) == hashed
        issue(dbs, floor.session_id, "D001", hashed)
        assert store.token_of_round(dbs.box, floor.session_id, 1, hashed)


def opened(dbs, token):
    return voting_worker(dbs).open_ballot({"token": token})


class TestOpenBallot:
    """What the ballot page shows for a token: the round's candidates with their summary, cost
    and lead department, the form and K; after the cast, the same receipt instead."""

    def test_a_token_opens_its_ballot_and_after_the_cast_its_receipt(self, dbs, floor):
        token, hashed = new_ballot_token("township")
        issue(dbs, floor.session_id, "D001", hashed)
        paper = opened(dbs, token)
        assert paper["session_id"] == floor.session_id and paper["state"] == "open"
        assert (paper["form"], paper["max_approvals"], paper["receipt"]) == (
            "approve_oppose_abstain",
            3,
            None,
        )
        assert [c["id"] for c in paper["candidates"]] == floor.candidates
        first = paper["candidates"][0]
        assert first["position"] == 1 and first["summary"] == "摘要"
        assert "lead_department" in first and "estimated_cost_fen" in first
        receipt = cast(dbs, floor.session_id, token, approving(floor.candidates))["receipt"]
        assert opened(dbs, token)["receipt"] == receipt == receipt_for(token)
        dbs.box.rollback()
        assert store.count(dbs.box, floor.session_id, 1) == 1  # opening casts nothing

    def test_an_unknown_token_is_404(self, dbs, floor):
        with pytest.raises(NotFound):
            opened(dbs, new_ballot_token("township")[0])

    def test_a_satisfaction_ballot_offers_the_three_grades(self, tmp_path):
        with migrated_databases(tmp_path) as dbs:
            prepared = prepared_session(dbs, present=25, kind="satisfaction", usernames=True)
            voting_worker(dbs, STAFF).open_session(prepared.session_id, {})
            token, hashed = new_ballot_token("township")
            issue(dbs, prepared.session_id, "D001", hashed)
            paper = opened(dbs, token)
        assert paper["kind"] == "satisfaction" and paper["max_approvals"] is None
        assert paper["choices"] == ["满意", "基本满意", "不满意"]
        assert [c["title"] for c in paper["candidates"]][:1] == ["项目P1"]
