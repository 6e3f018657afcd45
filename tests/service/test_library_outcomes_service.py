"""The project library, publishing outcomes and answering submitters through
CollectionService's entrypoints (worker_factory, a migrated SQLite session, the real outbox
writer, a Guard) — no broker."""

import json

import pytest
from collection.db.models import LibraryItem, Proposal
from servicekit.auth import ANONYMOUS
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from servicekit.relay import OUTBOX

from tests.support.screening import (
    ADMIN,
    CONGRESS,
    DEPUTY,
    GOV,
    GOV2,
    MORE,
    NO,
    OTHER_BANNER,
    SCOPE,
    SUPERVISOR,
    TOWNSHIP,
    YES,
    add_proposal,
    count,
    migrated_session,
    outbox_envelopes,
    service,
)


@pytest.fixture
def session(tmp_path):
    with migrated_session(tmp_path) as session:
        yield session


class TestLibrary:
    def fill(self, session):
        ids = {
            "parking": add_proposal(session),
            "kindergarten": add_proposal(session, title="新建普惠幼儿园"),
            "banner": add_proposal(
                session, title="东胜区养老服务中心", area_code="150602", path="/150600/150602/"
            ),
            "elsewhere": add_proposal(
                session,
                title="薛家湾镇道路",
                area_code="150622100",
                path="/150600/150622/150622100/",
            ),
        }
        for pid in ids.values():
            service(session, ADMIN).screen_proposal(pid, YES)
        session.get(LibraryItem, ids["kindergarten"]).category = "教育"
        session.commit()
        return ids

    def query(self, session, principal=GOV, **query):
        return service(session, principal).list_library({"year": 2027, **query})

    def test_an_area_lists_itself_and_everything_under_it(self, session):
        ids = self.fill(session)
        banner = self.query(session, area_code="150602")
        assert {i["proposal_id"] for i in banner["items"]} == {
            ids["parking"],
            ids["kindergarten"],
            ids["banner"],
        }
        assert banner["total"] == 3 and banner["items"][0]["tracking_code"]
        township = self.query(session, GOV2, area_code=TOWNSHIP)
        assert township["total"] == 2

    def test_filters_by_year_category_and_text(self, session):
        ids = self.fill(session)
        assert self.query(session, area_code="150602", year=2028)["total"] == 0
        education = self.query(session, area_code="150602", category="教育")["items"]
        assert [i["proposal_id"] for i in education] == [ids["kindergarten"]]
        text = self.query(session, area_code="150602", q="幼儿园")["items"]
        assert [i["proposal_id"] for i in text] == [ids["kindergarten"]]
        summary = self.query(session, area_code="150602", q="停车位")["items"]  # in the summary
        assert len(summary) == 3

    def test_pages(self, session):
        self.fill(session)
        pages = [self.query(session, area_code="150602", page=n, page_size=2) for n in (1, 2)]
        assert [len(p["items"]) for p in pages] == [2, 1] and pages[1]["total"] == 3

    def test_deputies_read_it_and_others_are_refused(self, session):
        self.fill(session)
        assert self.query(session, DEPUTY, area_code="150602")["total"] == 3
        for principal, error in ((SUPERVISOR, Forbidden), (ANONYMOUS, Unauthenticated)):
            with pytest.raises(error):
                self.query(session, principal, area_code="150602")
        with pytest.raises(Forbidden):
            self.query(session, GOV2, area_code="150602")  # a township clerk, asking the banner

    @pytest.mark.parametrize(
        "query",
        [
            {"area_code": "150602", "year": "2027"},
            {"area_code": "150602"},
            {"year": 2027},
            {"area_code": "1506", "year": 2027},
            {"area_code": "150602", "year": 2027, "page": 0},
            {"area_code": "150602", "year": 2027, "category": "娱乐"},
        ],
    )
    def test_bad_queries_are_400(self, session, query):
        with pytest.raises(ValidationFailed):
            service(session).list_library(query)

    def test_government_staff_edit_figures_while_it_is_in_the_library(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, YES)
        edited = service(session).update_library_item(
            pid, {"estimated_cost_fen": 15_000_000, "lead_department": "东胜区住建局"}
        )
        assert edited["estimated_cost_fen"] == 15_000_000 and edited["beneficiaries"] == 800
        session.rollback()
        assert session.get(LibraryItem, pid, populate_existing=True).lead_department == (
            "东胜区住建局"
        )

    def test_editing_is_refused_out_of_the_library_out_of_role_and_out_of_scope(self, session):
        pid = add_proposal(session)
        with pytest.raises(Conflict):
            service(session).update_library_item(pid, {"beneficiaries": 1})
        service(session).screen_proposal(pid, YES)
        for principal, error in (
            (DEPUTY, Forbidden),
            (CONGRESS, Forbidden),
            (OTHER_BANNER, Forbidden),
            (ANONYMOUS, Unauthenticated),
        ):
            with pytest.raises(error):
                service(session, principal).update_library_item(pid, {"beneficiaries": 1})
        with pytest.raises(NotFound):
            service(session).update_library_item("no-such-id", {"beneficiaries": 1})
        for bad in ({}, {"beneficiaries": -1}, {"title": "改名"}, {"summary": ""}):
            with pytest.raises(ValidationFailed):
                service(session).update_library_item(pid, bad)
        session.rollback()
        assert session.get(LibraryItem, pid, populate_existing=True).beneficiaries == 800


class TestOutcomes:
    def test_publishing_shows_verdicts_of_exactly_that_area_and_year(self, session):
        accepted, rejected, waiting = (add_proposal(session, title=t) for t in ("甲", "乙", "丙"))
        banner = add_proposal(session, title="丁", area_code="150602", path="/150600/150602/")
        service(session).screen_proposal(accepted, YES)
        service(session).screen_proposal(rejected, NO)
        service(session).screen_proposal(banner, NO)
        code = session.get(Proposal, rejected).tracking_code
        assert service(session, ANONYMOUS).track_proposal(code)["status"] == "submitted"
        published = service(session).publish_outcomes(SCOPE)
        assert (published["published"], published["unscreened"]) == (2, 1)
        tracked = service(session, ANONYMOUS).track_proposal(code)
        assert tracked["status"] == "rejected" and tracked["outcome_reason"] == NO["reason"]
        assert session.get(Proposal, banner).outcome_published_at is None
        assert session.get(Proposal, waiting).outcome_published_at is None
        assert service(session).publish_outcomes(SCOPE)["published"] == 0
        assert service(session).publish_outcomes({**SCOPE, "year": 2028})["published"] == 0

    def test_answering_stages_one_event_per_proposal_once(self, session):
        pids = [add_proposal(session, title=t) for t in ("甲", "乙", "丙")]
        service(session).screen_proposal(pids[0], YES)
        service(session).screen_proposal(pids[1], NO)
        with pytest.raises(Conflict, match="尚未公布"):
            service(session).answer_submitters(SCOPE)
        service(session).publish_outcomes(SCOPE)
        assert service(session).answer_submitters(SCOPE)["answered"] == 2
        assert service(session).answer_submitters(SCOPE)["answered"] == 0
        envelopes = [json.loads(e) for e in outbox_envelopes(session)]
        assert sorted(e["payload"]["proposal_id"] for e in envelopes) == sorted(pids[:2])
        assert {e["event_type"] for e in envelopes} == {"proposal_screened_v1"}
        assert "13800001111" not in json.dumps(envelopes, ensure_ascii=False)
        assert "张三" not in json.dumps(envelopes, ensure_ascii=False)

    def test_needs_info_is_answered_without_publishing(self, session):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, MORE)
        assert service(session).answer_submitters(SCOPE)["answered"] == 1
        payload = json.loads(outbox_envelopes(session)[0])["payload"]
        assert payload["verdict"] == "needs_info" and payload["reason"] == MORE["reason"]
        assert payload["year"] == 2027

    @pytest.mark.parametrize("method", ["publish_outcomes", "answer_submitters"])
    @pytest.mark.parametrize(
        ("principal", "error"),
        [
            (ANONYMOUS, Unauthenticated),
            (DEPUTY, Forbidden),
            (CONGRESS, Forbidden),
            (OTHER_BANNER, Forbidden),
        ],
    )
    def test_role_and_scope_refusals(self, session, method, principal, error):
        pid = add_proposal(session)
        service(session).screen_proposal(pid, MORE)
        with pytest.raises(error):
            getattr(service(session, principal), method)(SCOPE)
        assert count(session, OUTBOX) == 0
        assert count(session, Proposal, Proposal.answered_at.is_not(None)) == 0

    @pytest.mark.parametrize("method", ["publish_outcomes", "answer_submitters"])
    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"area_code": TOWNSHIP},
            {"area_code": TOWNSHIP, "year": "2027"},
            {**SCOPE, "extra": True},
            None,
        ],
    )
    def test_bad_input_is_400(self, session, method, body):
        with pytest.raises(ValidationFailed):
            getattr(service(session, ADMIN), method)(body)
