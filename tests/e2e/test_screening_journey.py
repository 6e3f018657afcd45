"""One journey through the gateway only: a resident submits, two screeners score and decide,
the tracking page keeps the verdict internal until the township publishes, then shows verdict
and reason — and never personal data, screener ids, comments or scores. Answering the
submitters is a separate step that answers each proposal once."""

import subprocess
import sys

import requests

AREA = "150622100"  # 薛家湾镇; the demo account zhengfu is its government staff
PROPOSAL = {
    "title": "薛家湾镇迎宾路增设人行横道",
    "description": "迎宾路学校门口车流量大，学生过马路危险，希望增设人行横道和信号灯。",
    "category": "交通出行",
    "area_code": AREA,
    "location": {"text": "薛家湾镇迎宾路第二小学门口"},
    "estimated_cost_fen": 36_000_000,
    "beneficiaries": 2400,
    "submitter_name": "赵春梅",
    "submitter_phone": "13904779876",
}
SCORES = {"public_benefit": 4, "inclusive": 4, "urgency": 5, "assessable": 3}
COMMENT = "内部意见：交警大队已在论证该路口改造"
REASON = "该路口已列入旗交警大队2027年信号灯改造计划，将统一实施。"


def account(make_run, username: str, role: str, area: str) -> dict[str, str]:
    env = {**make_run.env, "MINSHENG_NEW_PASSWORD": "e2e-password-123"}
    command = [sys.executable, "-m", "gateway.cli", "create-account", "--username", username]
    command += ["--role", role, "--area", area]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return make_run.login(username, "e2e-password-123")


def keys_of(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in keys_of(value)}
    if isinstance(node, list):
        return {k for item in node for k in keys_of(item)}
    return set()


class TestScreeningJourney:
    def test_submit_screen_publish_answer(self, make_run):
        base = make_run.base_url
        township = make_run.login("zhengfu", "demo-zhengfu-2026")
        admin = make_run.login("admin", "demo-admin-2026")
        year = requests.get(f"{base}/api/v1/notices", params={"area_code": AREA}, timeout=10)
        year = year.json()["items"][0]["year"]
        scope = {"area_code": AREA, "year": year}

        code = requests.post(f"{base}/api/v1/proposals", json=PROPOSAL, timeout=10).json()[
            "tracking_code"
        ]
        listed = requests.get(
            f"{base}/api/v1/proposals", params={"area_code": AREA}, headers=township, timeout=10
        ).json()["items"]
        mine = next(p for p in listed if p["tracking_code"] == code)
        assert mine["screening"] is None
        screenings = f"{base}/api/v1/proposals/{mine['id']}/screenings"

        first = requests.post(
            screenings,
            json={**SCORES, "verdict": "in_library", "comments": {"urgency": COMMENT}},
            headers=township,
            timeout=10,
        )
        assert first.status_code == 201, first.text
        assert first.json()["library_item"]["estimated_cost_fen"] == 36_000_000
        second = requests.post(
            screenings,
            json={**SCORES, "urgency": 3, "verdict": "rejected", "reason": REASON},
            headers={**admin, "Idempotency-Key": "e2e-screen-0001"},
            timeout=10,
        )
        assert second.status_code == 201, second.text

        rows = requests.get(screenings, headers=township, timeout=10).json()
        assert rows["summary"]["screeners"] == 2
        assert rows["summary"]["urgency"] == {"mean": 4, "stdev": 1, "min": 3, "max": 5}
        screener_ids = {row["screener_id"] for row in rows["items"]}
        assert len(screener_ids) == 2

        before = requests.get(f"{base}/api/v1/proposals/track/{code}", timeout=10)
        assert before.status_code == 200
        assert before.json()["status"] == "submitted" and before.json()["outcome_reason"] is None
        assert REASON not in before.text
        self.assert_nothing_private(before, screener_ids)

        library = requests.get(
            f"{base}/api/v1/library", params=scope, headers=township, timeout=10
        ).json()
        assert code not in {item["tracking_code"] for item in library["items"]}

        published = requests.post(
            f"{base}/api/v1/outcomes/publish", json=scope, headers=township, timeout=10
        )
        assert published.status_code == 200 and published.json()["published"] >= 1

        after = requests.get(f"{base}/api/v1/proposals/track/{code}", timeout=10)
        assert after.json()["status"] == "rejected" and after.json()["outcome_reason"] == REASON
        self.assert_nothing_private(after, screener_ids)

        late = requests.post(
            screenings, json={**SCORES, "verdict": "in_library"}, headers=township, timeout=10
        )
        assert late.status_code == 409 and late.json()["error"]["code"] == "conflict"

        answered = requests.post(
            f"{base}/api/v1/outcomes/answer", json=scope, headers=township, timeout=10
        )
        assert answered.status_code == 200 and answered.json()["answered"] >= 1
        again = requests.post(
            f"{base}/api/v1/outcomes/answer", json=scope, headers=township, timeout=10
        )
        assert again.status_code == 200 and again.json()["answered"] == 0

    @staticmethod
    def assert_nothing_private(response: requests.Response, screener_ids: set[str]) -> None:
        text = response.text
        for private in ("赵春梅", "13904779876", COMMENT, *screener_ids):
            assert private not in text
        assert not keys_of(response.json()) & {
            "submitter_name",
            "submitter_phone",
            "screener_id",
            "comments",
            "public_benefit",
            "urgency",
            "summary",
            "screening",
        }

    def test_library_is_read_in_scope_and_edited_by_government_staff(self, make_run):
        base = make_run.base_url
        township = make_run.login("zhengfu", "demo-zhengfu-2026")
        banner_congress = make_run.login("renda", "demo-renda-2026")
        code = requests.post(
            f"{base}/api/v1/proposals", json={**PROPOSAL, "title": "迎宾路加装路灯"}, timeout=10
        ).json()["tracking_code"]
        listed = requests.get(
            f"{base}/api/v1/proposals", params={"area_code": AREA}, headers=township, timeout=10
        ).json()["items"]
        pid = next(p["id"] for p in listed if p["tracking_code"] == code)
        body = {**SCORES, "verdict": "in_library", "library": {"lead_department": "旗住建局"}}
        screen = f"{base}/api/v1/proposals/{pid}/screenings"
        assert requests.post(screen, json=body, headers=township, timeout=10).status_code == 201

        year = requests.get(f"{base}/api/v1/notices", params={"area_code": AREA}, timeout=10)
        query = {"area_code": "150622", "year": str(year.json()["items"][0]["year"]), "q": "路灯"}
        found = requests.get(
            f"{base}/api/v1/library", params=query, headers=banner_congress, timeout=10
        )
        assert found.status_code == 200, found.text
        assert [i["tracking_code"] for i in found.json()["items"]] == [code]

        edit = f"{base}/api/v1/library/{pid}"
        changed = requests.put(
            edit, json={"estimated_cost_fen": 40_000_000}, headers=township, timeout=10
        )
        assert changed.status_code == 200 and changed.json()["estimated_cost_fen"] == 40_000_000
        refused = requests.put(edit, json={"beneficiaries": 1}, headers=banner_congress, timeout=10)
        assert refused.status_code == 403
        bad = requests.put(edit, json={"beneficiaries": -1}, headers=township, timeout=10)
        assert bad.status_code == 400 and "beneficiaries" in bad.json()["error"]["details"]

        other = account(make_run, "dgtl-gov", "government_staff", "150625101")
        assert requests.post(screen, json=body, headers=other, timeout=10).status_code == 403
        assert requests.post(screen, json=body, timeout=10).status_code == 401
        bad_score = requests.post(screen, json={**body, "urgency": 9}, headers=township, timeout=10)
        assert bad_score.status_code == 400
        outside = requests.get(f"{base}/api/v1/library", params=query, headers=other, timeout=10)
        assert outside.status_code == 403
        publish = requests.post(
            f"{base}/api/v1/outcomes/publish",
            json={"area_code": AREA, "year": 2027},
            headers=other,
            timeout=10,
        )
        assert publish.status_code == 403
