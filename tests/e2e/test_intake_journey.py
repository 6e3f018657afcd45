"""One journey through the gateway only: submit publicly, track, list as township staff, be
refused as staff of another township (403) and anonymously (401)."""

import subprocess
import sys

import requests

PROPOSAL = {
    "title": "薛家湾镇老旧小区加装电梯",
    "description": "小区六层无电梯，老人上下楼困难，希望加装电梯。",
    "category": "老旧小区改造",
    "area_code": "150622100",
    "location": {"text": "薛家湾镇迎宾路小区", "lat": 39.86, "lng": 111.24},
    "estimated_cost_fen": 180_000_000,
    "beneficiaries": 320,
    "submitter_name": "李秀英",
    "submitter_phone": "13904770000",
}


def create_account(make_run, username: str, role: str, area: str) -> dict[str, str]:
    env = {**make_run.env, "MINSHENG_NEW_PASSWORD": "e2e-password-123"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway.cli",
            "create-account",
            "--username",
            username,
            "--role",
            role,
            "--area",
            area,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return make_run.login(username, "e2e-password-123")


class TestMakeRun:
    def test_prints_the_url_and_demo_accounts_and_answers_health(self, make_run):
        printed = "".join(make_run.output)
        assert make_run.base_url in printed
        assert "demo-zhengfu-2026" in printed and "government_staff" in printed
        health = requests.get(f"{make_run.base_url}/api/v1/health", timeout=5).json()
        assert health["broker"] is True
        assert all(level["up"] for level in health["services"]["collection"].values())

    def test_areas_are_the_ordos_tree(self, make_run):
        items = requests.get(f"{make_run.base_url}/api/v1/areas", timeout=5).json()["items"]
        banners = {a["code"] for a in items if a["level"] == "banner"}
        assert banners == {
            "150602",
            "150603",
            "150621",
            "150622",
            "150623",
            "150624",
            "150625",
            "150626",
            "150627",
        }
        jungar = requests.get(f"{make_run.base_url}/api/v1/areas/150622", timeout=5).json()
        assert "薛家湾镇" in {child["name"] for child in jungar["children"]}
        assert [a["code"] for a in jungar["ancestors"]] == ["150600"]


class TestIntakeJourney:
    def test_public_submission_is_tracked_and_seen_only_by_staff_in_scope(self, make_run):
        base = make_run.base_url
        created = requests.post(f"{base}/api/v1/proposals", json=PROPOSAL, timeout=10)
        assert created.status_code == 201, created.text
        code = created.json()["tracking_code"]

        tracked = requests.get(f"{base}/api/v1/proposals/track/{code}", timeout=10)
        assert tracked.status_code == 200
        assert tracked.json()["status"] == "submitted"
        assert "李秀英" not in tracked.text and "13904770000" not in tracked.text

        township = make_run.login("zhengfu", "demo-zhengfu-2026")
        listed = requests.get(
            f"{base}/api/v1/proposals",
            params={"area_code": "150622100"},
            headers=township,
            timeout=10,
        )
        assert listed.status_code == 200, listed.text
        mine = [p for p in listed.json()["items"] if p["tracking_code"] == code]
        assert len(mine) == 1 and mine[0]["submitter_phone"] == "13904770000"
        one = requests.get(f"{base}/api/v1/proposals/{mine[0]['id']}", headers=township, timeout=10)
        assert one.status_code == 200 and one.json()["title"] == PROPOSAL["title"]

        other = create_account(make_run, "duguitala-staff", "government_staff", "150625101")
        refused = requests.get(
            f"{base}/api/v1/proposals", params={"area_code": "150622100"}, headers=other, timeout=10
        )
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
        refused_one = requests.get(
            f"{base}/api/v1/proposals/{mine[0]['id']}", headers=other, timeout=10
        )
        assert refused_one.status_code == 403

        anonymous = requests.get(
            f"{base}/api/v1/proposals", params={"area_code": "150622100"}, timeout=10
        )
        assert (
            anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthenticated"
        )

    def test_banner_staff_see_their_townships(self, make_run):
        base = make_run.base_url
        requests.post(f"{base}/api/v1/proposals", json=PROPOSAL, timeout=10)
        banner = make_run.login("renda", "demo-renda-2026")  # congress staff of 准格尔旗
        listed = requests.get(
            f"{base}/api/v1/proposals", params={"area_code": "150622"}, headers=banner, timeout=10
        )
        assert listed.status_code == 200
        assert listed.json()["total"] >= 1
        assert {p["area_code"] for p in listed.json()["items"]} <= {
            "150622",
            "150622100",
            "150622101",
        }

    def test_staff_channel_needs_a_login_and_names_the_deputy(self, make_run):
        base = make_run.base_url
        body = {
            **PROPOSAL,
            "channel": "deputy",
            "deputy_name": "王代表",
            "liaison_station": "迎宾路代表联络站",
        }
        assert requests.post(f"{base}/api/v1/proposals", json=body, timeout=10).status_code == 401
        deputy = create_account(make_run, "xjw-deputy", "deputy", "150622100")
        created = requests.post(f"{base}/api/v1/proposals", json=body, headers=deputy, timeout=10)
        assert created.status_code == 201, created.text

    def test_a_retried_create_with_the_same_idempotency_key_makes_one_proposal(self, make_run):
        base = make_run.base_url
        headers = {"Idempotency-Key": "e2e-retry-0001"}
        first = requests.post(
            f"{base}/api/v1/proposals", json=PROPOSAL, headers=headers, timeout=10
        )
        again = requests.post(
            f"{base}/api/v1/proposals", json=PROPOSAL, headers=headers, timeout=10
        )
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        changed = requests.post(
            f"{base}/api/v1/proposals",
            json={**PROPOSAL, "title": "另一个建议"},
            headers=headers,
            timeout=10,
        )
        assert changed.status_code == 409 and changed.json()["error"]["code"] == "conflict"

    def test_request_id_is_echoed_and_openapi_is_served(self, make_run):
        response = requests.get(
            f"{make_run.base_url}/api/v1/openapi.json",
            headers={"X-Request-ID": "e2e-req-000001"},
            timeout=10,
        )
        assert response.headers["X-Request-ID"] == "e2e-req-000001"
        assert "/api/v1/proposals" in response.json()["paths"]
