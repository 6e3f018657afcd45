"""A township's road from the project library to a frozen candidate list, over HTTP only: 12
proposals submitted and screened into the library, a draft list, three rounds (三上三下) with
comments, the diff between versions, 11 candidates for 10 seats refused with the count still
needed, 12 for 10 frozen, and the frozen list immutable (409)."""

from datetime import UTC, datetime, timedelta

import requests

from tests.e2e.test_intake_journey import create_account

AREA = "150622101"
SCORES = {"public_benefit": 5, "inclusive": 4, "urgency": 4, "assessable": 4}
CATEGORIES = ("教育", "医疗卫生", "养老托育", "基础设施")


class Client:
    def __init__(self, base: str, headers: dict[str, str]):
        self.base, self.headers = base, headers

    def call(self, method: str, path: str, expect: int, **kwargs) -> dict:
        response = requests.request(
            method, f"{self.base}{path}", headers=self.headers, timeout=15, **kwargs
        )
        assert response.status_code == expect, (method, path, response.text)
        return response.json()


def library_of_twelve(base: str, staff: Client) -> tuple[list[str], int]:
    now = datetime.now(UTC)
    notice = {
        "area_code": AREA,
        "year": 2027,
        "title": "2027年民生实事项目征集",
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
    }
    staff.call("POST", "/api/v1/notices", 201, json=notice)
    ids = []
    for index in range(12):
        proposal = {
            "title": f"民生项目{index:02d}",
            "description": "群众反映强烈，希望尽快实施。",
            "category": CATEGORIES[index % 4],
            "area_code": AREA,
            "location": {"text": "镇区"},
            "estimated_cost_fen": (index + 1) * 1_000_000,
        }
        created = requests.post(f"{base}/api/v1/proposals", json=proposal, timeout=10)
        assert created.status_code == 201, created.text
        pid = created.json()["id"]
        screening = {
            **SCORES,
            "verdict": "in_library",
            "library": {"lead_department": "住建局", "rationale": "符合四项原则"},
        }
        staff.call("POST", f"/api/v1/proposals/{pid}/screenings", 201, json=screening)
        ids.append(pid)
    notice_id = staff.call("GET", f"/api/v1/proposals/{ids[0]}", 200)["notice_id"]
    notices = requests.get(f"{base}/api/v1/notices", params={"area_code": AREA}, timeout=10)
    year = next(n["year"] for n in notices.json()["items"] if n["id"] == notice_id)
    return ids, year


def run_round(staff: Client, deputy: Client, draft: str, number: int, body: dict) -> dict:
    recipients = [
        {"kind": "township", "recipient": "沙圪堵镇", "account": "sgd-zhen"},
        {"kind": "deputy", "recipient": "王代表", "account": "sgd-deputy"},
    ]
    opened = staff.call(
        "POST", f"/api/v1/draft-lists/{draft}/rounds", 201, json={"recipients": recipients}
    )
    assert opened["number"] == number and opened["sends_version"] == number - 1
    # Requests made together carry one time; their order is not the order given.
    (request_id,) = [r["id"] for r in opened["comment_requests"] if r["recipient"] == "王代表"]
    comment = {"comment_request_id": request_id, "comment": f"第{number}轮意见：同意"}
    deputy.call("POST", f"/api/v1/draft-lists/{draft}/rounds/{number}/comments", 200, json=comment)
    return staff.call("POST", f"/api/v1/draft-lists/{draft}/rounds/{number}/close", 201, json=body)


class TestCandidateListJourney:
    def test_from_library_through_three_rounds_to_a_frozen_list(self, make_run):
        base = make_run.base_url
        staff = Client(base, create_account(make_run, "sgd-gov", "government_staff", AREA))
        deputy = Client(base, create_account(make_run, "sgd-deputy", "deputy", AREA))
        other = Client(base, create_account(make_run, "dgt-gov", "government_staff", "150625101"))
        _, year = library_of_twelve(base, staff)

        settings = deputy.call("GET", f"/api/v1/areas/{AREA}/collection-settings", 200)
        assert (settings["rounds"], settings["differential_ratio_permille"]) == (3, 200)
        body = {"area_code": AREA, "year": year, "title": f"{year}年民生实事候选项目"}
        draft = staff.call("POST", "/api/v1/draft-lists", 201, json=body)
        again = requests.post(  # a retried create with its Idempotency-Key makes no second list
            f"{base}/api/v1/draft-lists",
            json=body,
            headers={**staff.headers, "Idempotency-Key": "sgd-list-1"},
            timeout=15,
        )
        assert again.status_code == 201
        listed = deputy.call(
            "GET", "/api/v1/draft-lists", 200, params={"area_code": AREA, "year": year}
        )
        assert draft["id"] in {item["id"] for item in listed["items"]}
        draft_id = draft["id"]
        v0 = staff.call("GET", f"/api/v1/draft-lists/{draft_id}/versions/0", 200)["items"]
        assert len(v0) == 12
        keep = [{"proposal_id": item["proposal_id"]} for item in v0]
        first, last = v0[0]["proposal_id"], v0[-1]["proposal_id"]

        cheaper = [{**keep[0], "estimated_cost_fen": 500_000}, *keep[1:]]
        missing = staff.call(
            "POST",
            f"/api/v1/draft-lists/{draft_id}/rounds",
            201,
            json={
                "recipients": [{"kind": "department", "recipient": "财政局", "account": "sgd-czj"}]
            },
        )
        refused = requests.post(
            f"{base}/api/v1/draft-lists/{draft_id}/rounds/1/close",
            json={"items": cheaper},
            headers=staff.headers,
            timeout=15,
        )
        assert refused.status_code == 400 and first in refused.json()["error"]["details"]["reasons"]
        staff.call(
            "POST",
            f"/api/v1/draft-lists/{draft_id}/rounds/1/close",
            201,
            json={"items": cheaper, "reasons": {first: "财政局意见：压缩预算"}},
        )
        assert missing["number"] == 1
        run_round(staff, deputy, draft_id, 2, {"items": cheaper[:-1], "reasons": {last: "暂缓"}})
        v3 = run_round(
            staff, deputy, draft_id, 3, {"items": cheaper, "reasons": {last: "代表坚持"}}
        )
        assert v3["number"] == 3 and len(v3["items"]) == 12

        diff = deputy.call(
            "GET", f"/api/v1/draft-lists/{draft_id}/diff", 200, params={"from": 0, "to": 3}
        )
        assert diff["added"] == [] and diff["removed"] == []
        assert diff["changed"][0]["changes"]["estimated_cost_fen"][1] == 500_000
        assert diff["changed"][0]["reason"] == "财政局意见：压缩预算"
        step = staff.call(
            "GET", f"/api/v1/draft-lists/{draft_id}/diff", 200, params={"from": 1, "to": 2}
        )
        assert [(e["item"]["proposal_id"], e["reason"]) for e in step["removed"]] == [
            (last, "暂缓")
        ]
        fourth = requests.post(
            f"{base}/api/v1/draft-lists/{draft_id}/rounds",
            headers=staff.headers,
            json={"recipients": [{"kind": "township", "recipient": "x", "account": "x"}]},
            timeout=15,
        )
        assert fourth.status_code == 422

        # eleven candidates for ten seats: refused, saying how many more are needed
        staff.call(
            "PUT",
            f"/api/v1/areas/{AREA}/collection-settings",
            200,
            json={"rounds": 0, "differential_ratio_permille": 200},
        )
        eleven = staff.call(
            "POST",
            "/api/v1/draft-lists",
            201,
            json={**body, "title": "十一项", "proposal_ids": [k["proposal_id"] for k in keep[:11]]},
        )
        short = requests.post(
            f"{base}/api/v1/draft-lists/{eleven['id']}/freeze",
            json={"seats": 10},
            headers=staff.headers,
            timeout=15,
        )
        assert short.status_code == 422
        assert "10 个名额按 20% 差额至少需要 12 个，还差 1 个" in short.json()["error"]["message"]

        assert (
            requests.post(
                f"{base}/api/v1/draft-lists/{draft_id}/freeze",
                json={"seats": 10},
                headers=deputy.headers,
                timeout=15,
            ).status_code
            == 403
        )
        frozen = staff.call(
            "POST", f"/api/v1/draft-lists/{draft_id}/freeze", 201, json={"seats": 10}
        )
        assert [c["proposal_id"] for c in frozen["candidates"]] == [
            i["proposal_id"] for i in v3["items"]
        ]
        assert deputy.call("GET", f"/api/v1/candidate-lists/{frozen['id']}", 200) == frozen
        other.call("GET", f"/api/v1/candidate-lists/{frozen['id']}", 403)
        other.call("GET", f"/api/v1/draft-lists/{draft_id}", 403)

        for path, payload in (
            (f"/api/v1/draft-lists/{draft_id}/freeze", {"seats": 10}),
            (
                f"/api/v1/draft-lists/{draft_id}/rounds",
                {"recipients": [{"kind": "township", "recipient": "x", "account": "x"}]},
            ),
            (f"/api/v1/draft-lists/{draft_id}/rounds/3/close", {"items": keep, "reasons": {}}),
        ):
            staff.call("POST", path, 409, json=payload)
        assert staff.call("GET", f"/api/v1/draft-lists/{draft_id}", 200)["status"] == "frozen"

    def test_bad_input_is_400_and_anonymous_is_401(self, make_run):
        base = make_run.base_url
        anonymous = Client(base, {})
        anonymous.call("GET", f"/api/v1/areas/{AREA}/collection-settings", 401)
        anonymous.call("GET", "/api/v1/candidate-lists/00000000-0000-0000-0000-000000000000", 401)
        staff = Client(base, make_run.login("zhengfu", "demo-zhengfu-2026"))
        staff.call("POST", "/api/v1/draft-lists", 400, json={"area_code": "150622100"})
        staff.call(
            "GET", "/api/v1/draft-lists", 400, params={"area_code": "150622100", "year": "x"}
        )
        staff.call("GET", "/api/v1/draft-lists/nope/diff", 400, params={"from": "a", "to": 1})
        staff.call("PUT", "/api/v1/areas/150622100/collection-settings", 400, json={"rounds": 99})
        staff.call("GET", "/api/v1/draft-lists/00000000-0000-0000-0000-000000000000", 404)
