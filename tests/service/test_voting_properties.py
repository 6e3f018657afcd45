"""Property (hypothesis) over whole sessions in the real service: whatever deputies attend, get
ballots and try to cast (some twice, some with too many approvals), the tally's counts equal the
ballots in the box, which equal the tokens spent, which never exceed the deputies checked in."""

import pytest
from contracts.ballot_tokens import new_ballot_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servicekit.errors import Conflict, RuleViolation

from tests.support.voting_worker import STAFF, migrated_databases, prepared_session, voting_worker

DEPUTIES = 24


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    with migrated_databases(tmp_path_factory.mktemp("voting-properties")) as databases:
        yield databases


session_plans = st.fixed_dictionaries(
    {
        "present": st.integers(17, DEPUTIES),  # over two thirds of 24: the vote can open
        "issued": st.integers(0, DEPUTIES),
        "casts": st.lists(
            st.tuples(st.integers(0, DEPUTIES - 1), st.integers(0, 4)), max_size=40
        ),  # (whose token, how many approvals: 4 > 3 seats is refused)
    }
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=session_plans)
def test_counts_agree_from_check_in_to_tally(dbs, plan):
    prepared = prepared_session(
        dbs, deputies=DEPUTIES, candidates=6, seats=3, present=plan["present"]
    )
    sid, ids = prepared.session_id, prepared.candidates
    staff = voting_worker(dbs, STAFF)
    staff.open_session(sid, {})
    holders = [f"D{n:03d}" for n in range(1, min(plan["issued"], plan["present"]) + 1)]
    tokens = []
    for number in holders:
        token, hashed = new_ballot_token("township")
        staff.issue_ballot(sid, {"deputy_number": number, "token_hash": hashed})
        tokens.append(token)
    accepted = set()
    for who, approvals in plan["casts"]:
        if who >= len(tokens):
            continue
        choices = {c: "approve" if i < approvals else "abstain" for i, c in enumerate(ids)}
        try:
            receipt = voting_worker(dbs).cast_ballot(
                {"session_id": sid, "token": tokens[who], "choices": choices}
            )
            assert receipt["repeated"] == (who in accepted)  # a second cast is a retry
            accepted.add(who)
        except (Conflict, RuleViolation):
            assert who in accepted or approvals > 3
    staff.close_session(sid, {})
    tally = staff.tally_session(sid, {})["rounds"][0]["tally"]
    assert tally["valid"] + tally["invalid"] == tally["ballots"] == len(accepted)
    assert len(accepted) <= len(tokens) <= plan["present"]
    assert tally["issued"] == len(tokens) and tally["returned"] == len(accepted)
