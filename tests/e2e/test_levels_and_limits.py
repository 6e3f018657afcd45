"""A level whose workers are down fails fast with 503 while other levels keep working; public
routes and logins are rate-limited with 429 and Retry-After; RPC replies reach the gateway
without an ack each, requests reach workers with one."""

import os
import time

import requests
from servicekit import testing

from scripts import demo_data

PROPOSAL = {
    "title": "社区卫生服务站改造",
    "description": "卫生服务站面积小，设备老旧。",
    "category": "医疗卫生",
    "location": {"text": "社区卫生服务站"},
}


def load_demo(platform, monkeypatch):
    monkeypatch.setenv("DATA_DIR", platform.data_dir)
    demo_data.ensure_accounts()
    demo_data.ensure_notices(platform.base_url)


class TestLevelOutage:
    def test_banner_down_gives_503_fast_and_township_still_answers(
        self, platform_factory, monkeypatch
    ):
        platform = platform_factory({"RATE_LIMIT_PUBLIC": "1000/60", "RPC_TIMEOUT": "5"})
        for level in ("township", "banner", "city"):
            platform.start_worker(level)
        platform.start_gateway()
        platform.wait_levels("township", "banner", "city")
        load_demo(platform, monkeypatch)

        platform.stop("collection-banner")
        platform.wait_levels("township")
        health = platform.health()["services"]["collection"]
        assert health["banner"]["up"] is False and health["township"]["up"] is True

        started = time.monotonic()
        refused = requests.post(
            f"{platform.base_url}/api/v1/proposals",
            json={**PROPOSAL, "area_code": "150622"},
            timeout=10,
        )
        elapsed = time.monotonic() - started
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "level_unavailable"
        assert "旗区级" in refused.json()["error"]["message"]
        assert refused.headers["Retry-After"]
        assert elapsed < 1.0, f"503 took {elapsed:.2f}s: it must not wait for the RPC timeout"

        accepted = requests.post(
            f"{platform.base_url}/api/v1/proposals",
            json={**PROPOSAL, "area_code": "150622100"},
            timeout=10,
        )
        assert accepted.status_code == 201, accepted.text


class TestRateLimits:
    def test_public_submissions_past_the_limit_get_429_with_retry_after(
        self, platform_factory, monkeypatch
    ):
        platform = platform_factory({"RATE_LIMIT_PUBLIC": "3/60"})
        platform.start_worker("all")
        platform.start_gateway()
        platform.wait_levels("township", "banner", "city")
        load_demo(platform, monkeypatch)
        statuses = [
            requests.post(
                f"{platform.base_url}/api/v1/proposals",
                json={**PROPOSAL, "area_code": "150602001"},
                timeout=10,
            )
            for _ in range(4)
        ]
        assert [r.status_code for r in statuses] == [201, 201, 201, 429]
        assert statuses[-1].json()["error"]["code"] == "rate_limited"
        assert 0 < int(statuses[-1].headers["Retry-After"]) <= 60

    def test_failed_logins_are_limited_even_for_the_right_password_afterwards(
        self, platform_factory, monkeypatch
    ):
        platform = platform_factory({"RATE_LIMIT_LOGIN": "3/300"})
        platform.start_worker("all")
        platform.start_gateway()
        platform.wait_levels("township")
        monkeypatch.setenv("DATA_DIR", platform.data_dir)
        demo_data.ensure_accounts()
        url = f"{platform.base_url}/api/v1/auth/token"
        wrong = [
            requests.post(
                url, json={"username": "zhengfu", "password": "wrong-password"}, timeout=10
            )
            for _ in range(3)
        ]
        assert [r.status_code for r in wrong] == [401, 401, 401]
        blocked = requests.post(
            url, json={"username": "zhengfu", "password": "demo-zhengfu-2026"}, timeout=10
        )
        assert blocked.status_code == 429 and blocked.headers["Retry-After"]


class TestLogs:
    def test_log_lines_are_json_with_the_request_id_and_no_contact_data(
        self, platform_factory, monkeypatch
    ):
        platform = platform_factory({"LOG_LEVEL": "INFO"})
        platform.start_worker("all")
        platform.start_gateway()
        platform.wait_levels("township")
        load_demo(platform, monkeypatch)
        body = {
            **PROPOSAL,
            "area_code": "150602001",
            "submitter_phone": "13912345678",
            "submitter_name": "赵六",
        }
        response = requests.post(
            f"{platform.base_url}/api/v1/proposals",
            json=body,
            headers={"X-Request-ID": "req-logcheck-42"},
            timeout=10,
        )
        assert response.status_code == 201
        refused = requests.get(
            f"{platform.base_url}/api/v1/proposals",
            params={"area_code": "150622"},
            headers={
                **platform_login(platform, "daibiao", "demo-daibiao-2026"),
                "X-Request-ID": "req-refused-43",
            },
            timeout=10,
        )
        assert refused.status_code == 403
        platform.stop_all()
        logs = platform.log("gateway") + platform.log("collection-all")
        assert "13912345678" not in logs and "赵六" not in logs
        assert "demo-daibiao-2026" not in logs
        assert '"security_event": "access_refused"' in logs and "req-refused-43" in logs


def platform_login(platform, username, password):
    token = requests.post(
        f"{platform.base_url}/api/v1/auth/token",
        json={"username": username, "password": password},
        timeout=10,
    ).json()["access_token"]
    assert token not in os.environ.values()
    return {"Authorization": f"Bearer {token}"}


class TestReplyAcknowledgements:
    def test_the_gateway_takes_replies_without_acks_and_workers_ack_their_requests(
        self, platform_factory, rabbit_vhost
    ):
        platform = platform_factory()
        platform.start_worker("township")
        platform.start_gateway()
        platform.wait_levels("township")
        notices = requests.get(
            f"{platform.base_url}/api/v1/notices", params={"area_code": "150602001"}, timeout=10
        )
        assert notices.status_code == 200, notices.text  # one RPC there and back

        listed = testing.rabbitmqctl(
            "list_consumers", "-q", "-p", rabbit_vhost.name, "queue_name", "ack_required"
        )
        ack_required = dict(line.split("\t")[:2] for line in listed.stdout.splitlines() if line)

        replies = [queue for queue in ack_required if queue.startswith("rpc.reply-gateway")]
        assert replies and all(ack_required[queue] == "false" for queue in replies)
        # Requests are acked after the work: a worker killed mid-request gets it redelivered.
        assert ack_required["rpc-collection_township"] == "true"
