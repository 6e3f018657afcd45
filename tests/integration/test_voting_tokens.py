"""Issue 11 item 4 on the real processes over PostgreSQL (a voting township worker and the
gateway, as `make run` starts them): a retried issue and a retried cast lose nothing and add
nothing, a lost device's token is voided on reissue and a spent one is not, and a flood of
made-up tokens from one client gets 429 while that client's valid casts were never counted."""

import pytest
import requests
from contracts.ballot_tokens import new_ballot_token, receipt_for

from tests.integration.test_voting_concurrency import box_rows
from tests.support.voting_floor import (
    STAFF,
    Client,
    approving,
    cast_body,
    create_accounts,
    issue_ballots,
    open_floor,
    setup_area,
    start_on_postgres,
)

pytestmark = pytest.mark.integration

DEPUTIES = 30


@pytest.fixture
def platform(platform_factory, pg):
    running = start_on_postgres(platform_factory, pg)
    create_accounts(running, STAFF)
    return running


@pytest.fixture
def floor(platform):
    staff = Client(platform.base_url, STAFF[0])
    setup_area(staff, DEPUTIES)
    return open_floor(staff, platform.env["AMQP_URI"], DEPUTIES)


def test_retried_issue_and_cast_answer_the_same_and_the_box_holds_one(platform, floor):
    path = f"/api/v1/sessions/{floor.session_id}/tokens"
    token, hashed = new_ballot_token("township")
    body = {"deputy_number": "D001", "token_hash": hashed}
    first = floor.staff.post(path, body, 201)
    assert floor.staff.post(path, body, 201) == first  # the reply was lost: the same again
    other = {"deputy_number": "D001", "token_hash": new_ballot_token("township")[1]}
    floor.staff.post(path, other, 409)
    public = Client(platform.base_url)
    ballot = approving(floor, floor.candidates[0])
    receipt = public.post("/api/v1/ballots", cast_body(floor, token, ballot), 201)
    again = public.post("/api/v1/ballots", cast_body(floor, token, {}), 201)
    assert receipt["receipt"] == again["receipt"] == receipt_for(token) and again["repeated"]
    assert box_rows(platform, floor.session_id) == 1
    view = floor.staff.call("GET", f"/api/v1/sessions/{floor.session_id}/attendance", 200)
    (row,) = [r for r in view["deputies"] if r["deputy_number"] == "D001"]
    assert row["issued_by"] and row["issued_by"] == row["checked_in_by"] == first["issued_by"]
    assert not row["confirmed_by_deputy"] and row["medium"] == "electronic"
    assert (view["present"], view["confirmed"], view["desk_only"]) == (DEPUTIES, 0, DEPUTIES)


def test_reissue_voids_the_unspent_token_and_never_a_spent_one(platform, floor):
    lost, spent = issue_ballots(floor, ["D001", "D002"])
    public = Client(platform.base_url)
    ballot = approving(floor, floor.candidates[0])
    public.post("/api/v1/ballots", cast_body(floor, spent, ballot), 201)
    path = f"/api/v1/sessions/{floor.session_id}/tokens/reissue"
    new, hashed = new_ballot_token("township")
    body = {"deputy_number": "D001", "token_hash": hashed, "reason": "手机遗失"}
    assert floor.staff.post(path, body, 200)["reissues"] == 1
    public.post("/api/v1/ballots", cast_body(floor, lost, ballot), 404)
    public.post("/api/v1/ballots", cast_body(floor, new, ballot), 201)
    refused = {**body, "deputy_number": "D002", "token_hash": new_ballot_token("township")[1]}
    assert "不能补发" in floor.staff.call("POST", path, 409, json=refused)["error"]["message"]
    audit = floor.staff.call("GET", f"/api/v1/sessions/{floor.session_id}/audit", 200)
    kinds = [e["kind"] for e in audit["entries"]]
    assert kinds.count("ballot_token_voided") == kinds.count("ballot_token_reissued") == 1
    assert box_rows(platform, floor.session_id) == 2


def test_made_up_tokens_get_429_past_the_cap_and_valid_casts_never_count(platform, floor):
    tokens = issue_ballots(floor, floor.deputies[:20])
    url = f"{platform.base_url}/api/v1/ballots"
    ballot = approving(floor, floor.candidates[0])
    for token in tokens[:10]:  # the hall's casts count nothing
        assert requests.post(url, json=cast_body(floor, token, ballot), timeout=30).ok
    made_up = [new_ballot_token("township")[0] for _ in range(31)]
    statuses = [
        requests.post(url, json=cast_body(floor, t, ballot), timeout=30).status_code
        for t in made_up
    ]
    assert statuses == [404] * 30 + [429]
    limited = requests.post(url, json=cast_body(floor, tokens[10], ballot), timeout=30)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert box_rows(platform, floor.session_id) == 10
