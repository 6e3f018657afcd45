"""Round comments (三上三下): a comment request names the account (账号) that answers for its
recipient; only that account answers, every answer is kept with its author and time, and none
replaces another. Before, any deputy or clerk in scope could overwrite any answer, with no
author, the last write winning. CollectionService over a migrated SQLite session."""

import pytest
from collection.db.models import CommentRequest
from servicekit.auth import Principal
from servicekit.errors import Forbidden, ValidationFailed

from tests.support.collection_worker import collection_worker
from tests.support.lists import seed_library

AREA = "150602001"
GOV = Principal("g-1", ("government_staff",), "150602", "dongsheng-gov")
WANG = Principal("d-7", ("deputy",), AREA, "wang-daibiao")  # the deputy asked
LI = Principal("d-8", ("deputy",), AREA, "li-daibiao")  # another deputy of the area
TOWNSHIP = Principal("t-1", ("government_staff",), AREA, "linyin-jiedao")
RECIPIENTS = {
    "recipients": [
        {"kind": "township", "recipient": "林荫街道", "account": "linyin-jiedao"},
        {"kind": "deputy", "recipient": "王代表", "account": "wang-daibiao"},
    ]
}


def service(session, principal=GOV):
    return collection_worker(session, principal, request_id="req-comments")


@pytest.fixture
def opened(session):
    seed_library(session, AREA, 4)
    draft = service(session).create_draft_list({"area_code": AREA, "year": 2027, "title": "清单"})
    round_ = service(session).open_round(draft["id"], RECIPIENTS)
    return draft["id"], {r["recipient"]: r["id"] for r in round_["comment_requests"]}


def answer(session, principal, draft_id, request_id, comment):
    body = {"comment_request_id": request_id, "comment": comment}
    return service(session, principal).record_comment(draft_id, 1, body)


def requests_of(session, draft_id):
    return service(session).get_draft_list(draft_id)["rounds"][0]["comment_requests"]


def test_a_round_names_the_account_of_each_recipient(session, opened):
    draft_id, _ = opened
    assert {(r["recipient"], r["account"]) for r in requests_of(session, draft_id)} == {
        ("林荫街道", "linyin-jiedao"),
        ("王代表", "wang-daibiao"),
    }


def test_a_recipient_without_an_account_is_refused(session):
    seed_library(session, AREA, 2)
    draft = service(session).create_draft_list({"area_code": AREA, "year": 2027, "title": "清单"})
    with pytest.raises(ValidationFailed) as refused:
        service(session).open_round(
            draft["id"], {"recipients": [{"kind": "deputy", "recipient": "王代表"}]}
        )
    assert "account" in str(refused.value.details)


@pytest.mark.parametrize("who", [LI, GOV, TOWNSHIP], ids=["another deputy", "builder", "other"])
def test_only_the_addressed_recipient_answers(session, opened, who):
    draft_id, requests = opened
    with pytest.raises(Forbidden, match="征求意见对象"):
        answer(session, who, draft_id, requests["王代表"], "我来替他答复")
    assert all(r["answers"] == [] and r["comment"] is None for r in requests_of(session, draft_id))


def test_answers_are_appended_with_their_author_and_never_replace_each_other(session, opened):
    draft_id, requests = opened
    first = answer(session, WANG, draft_id, requests["王代表"], "建议增加养老项目")
    later = answer(session, WANG, draft_id, requests["王代表"], "补充：优先老旧小区")
    assert first["comment"] == later["comment"] == "建议增加养老项目"  # the answer on record
    assert [(a["comment"], a["author"], a["author_name"]) for a in later["answers"]] == [
        ("建议增加养老项目", "d-7", "wang-daibiao"),
        ("补充：优先老旧小区", "d-7", "wang-daibiao"),
    ]
    assert all(a["answered_at"] for a in later["answers"])


def test_a_request_from_before_accounts_were_named_is_answered_by_nobody(session, opened):
    draft_id, requests = opened
    session.get(CommentRequest, requests["王代表"]).recipient_account = None
    session.commit()
    for who in (WANG, LI, GOV):
        with pytest.raises(Forbidden):
            answer(session, who, draft_id, requests["王代表"], "同意")
