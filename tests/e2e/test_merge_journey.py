"""Intake completed, through the gateway only: proposals from several channels, duplicate
suggestions, a merge by township government staff, and the merged proposals' tracking codes
showing the merge without personal data."""

import subprocess
import sys

import requests

AREA = "150622100"  # 薛家湾镇: the demo data opens a notice here
SQUARE = {
    "title": "薛家湾镇迎宾广场修缮",
    "description": "迎宾广场地砖破损严重，老人晨练容易摔倒，希望尽快修缮广场。",
    "category": "基础设施",
    "area_code": AREA,
    "location": {"text": "薛家湾镇迎宾广场", "lat": 39.8600, "lng": 111.2400},
}
PHOTO = {
    "file_name": "广场现场.jpg",
    "content_type": "image/jpeg",
    "size_bytes": 345_678,
    "sha256": "0f" * 32,
}


def account(make_run, username: str, role: str) -> dict[str, str]:
    env = {**make_run.env, "MINSHENG_NEW_PASSWORD": "e2e-password-123"}
    command = [sys.executable, "-m", "gateway.cli", "create-account"]
    command += ["--username", username, "--role", role, "--area", AREA]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return make_run.login(username, "e2e-password-123")


def post(make_run, path: str, body: dict, headers: dict | None = None) -> requests.Response:
    return requests.post(f"{make_run.base_url}{path}", json=body, headers=headers, timeout=10)


def get(make_run, path: str, headers: dict | None = None) -> requests.Response:
    return requests.get(f"{make_run.base_url}{path}", headers=headers, timeout=10)


class TestMergeJourney:
    def test_submit_from_several_channels_suggest_merge_and_track(self, make_run):
        staff = make_run.login("zhengfu", "demo-zhengfu-2026")  # 薛家湾镇 government staff
        deputy = account(make_run, "xjw-deputy-merge", "deputy")
        public = post(
            make_run,
            "/api/v1/proposals",
            {**SQUARE, "submitter_name": "李秀英", "submitter_phone": "13904770000"},
        )
        assert public.status_code == 201, public.text
        assert "possible_duplicates" not in public.json()
        collected = post(
            make_run,
            "/api/v1/proposals",
            {
                **SQUARE,
                "title": "修缮迎宾广场",
                "channel": "deputy",
                "deputy_name": "王代表",
                "liaison_station": "迎宾路代表联络站",
                "supporters": [{"name": "张三", "suggestion": "广场灯也坏了"}],
                "attachments": [PHOTO],
            },
            deputy,
        )
        assert collected.status_code == 201, collected.text
        target = collected.json()
        assert public.json()["id"] in {d["id"] for d in target["possible_duplicates"]}
        hotline = post(make_run, "/api/v1/proposals", {**SQUARE, "channel": "hotline"}, staff)
        assert hotline.status_code == 201, hotline.text

        suggested = get(make_run, f"/api/v1/proposals/{target['id']}/duplicates", staff)
        assert suggested.status_code == 200, suggested.text
        found = {d["id"] for d in suggested.json()["items"]}
        assert {public.json()["id"], hotline.json()["id"]} <= found

        merge = {
            "target_id": target["id"],
            "source_ids": [public.json()["id"], hotline.json()["id"]],
        }
        assert post(make_run, "/api/v1/proposals/merge", merge, deputy).status_code == 403
        merged = post(make_run, "/api/v1/proposals/merge", merge, staff)
        assert merged.status_code == 200, merged.text
        detail = merged.json()
        assert detail["channels"] == ["deputy", "online", "hotline"]
        assert {"张三", "李秀英"} <= {s["name"] for s in detail["supporters"]}
        assert [a["sha256"] for a in detail["attachments"]] == [PHOTO["sha256"]]

        tracked = get(make_run, f"/api/v1/proposals/track/{public.json()['tracking_code']}")
        assert tracked.status_code == 200
        assert tracked.json()["status"] == "merged"
        assert tracked.json()["merged_into"] == target["tracking_code"]
        assert "李秀英" not in tracked.text and "13904770000" not in tracked.text
        assert "张三" not in tracked.text

        again = get(make_run, f"/api/v1/proposals/{target['id']}", staff).json()
        assert {m["tracking_code"] for m in again["merged_from"]} == {
            public.json()["tracking_code"],
            hotline.json()["tracking_code"],
        }

    def test_supporters_attachments_and_refusals_over_http(self, make_run):
        staff = make_run.login("zhengfu", "demo-zhengfu-2026")
        created = post(make_run, "/api/v1/proposals", {**SQUARE, "title": "迎宾路加装路灯"})
        pid = created.json()["id"]
        added = post(make_run, f"/api/v1/proposals/{pid}/supporters", {"suggestion": "同意"}, staff)
        assert added.status_code == 201 and added.json()["channel"] == "online"
        bad = post(
            make_run,
            f"/api/v1/proposals/{pid}/attachments",
            {**PHOTO, "content_type": "application/x-msdownload", "size_bytes": 30 * 2**20},
            staff,
        )
        assert bad.status_code == 400
        assert {"content_type", "size_bytes"} <= set(bad.json()["error"]["details"])
        attached = post(make_run, f"/api/v1/proposals/{pid}/attachments", PHOTO, staff)
        assert attached.status_code == 201, attached.text
        assert attached.json()["storage_uri"].endswith(f"/0f/{PHOTO['sha256']}")
        assert (
            post(make_run, f"/api/v1/proposals/{pid}/supporters", {"suggestion": "x"}).status_code
            == 401
        )
        petition = post(make_run, "/api/v1/proposals", {**SQUARE, "channel": "petition"}, staff)
        assert petition.status_code == 400 and "channel" in petition.json()["error"]["details"]
