"""The budget feed's delivery rules: the signature (a known-answer vector computed with
`openssl dgst -sha256 -hmac`), what each answer means, the backoff schedule's bounds, when a
record is given up, and which settings refuse the start."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from implementation.domain.feed_delivery import (
    FeedConfigError,
    FeedSettings,
    Outcome,
    after_attempt,
    backoff_seconds,
    classify,
    describe_status,
    headers,
    settings_from,
    signature,
)

SECRET = b"minsheng-feed-test-secret-0123456789abcdef"
GOOD = {"BUDGET_FEED_URL": "https://feed.example.cn/v1/records", "BUDGET_FEED_SECRET": "s" * 32}


class TestSignature:
    # printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac '<secret>'
    VECTORS = [
        (
            b'{"record_id":"r-1","data":{"amount_fen":100}}',
            "b6f5a841bbf413d0434ebf88c9dc47b98d2fd3acc72a85c517d98e13165dd2e0",
        ),
        (
            '{"城":"薛家湾"}'.encode(),
            "c23efcbd1bc740ddb99199ba4c5b4fab9ca89e9e2fb46cc6846817f093285c0d",
        ),
    ]

    @pytest.mark.parametrize(("body", "digest"), VECTORS, ids=["ascii", "utf-8"])
    def test_matches_the_known_answer(self, body, digest):
        assert signature(SECRET, 1767225600, body) == f"sha256={digest}"

    def test_covers_the_timestamp_and_every_byte_of_the_body(self):
        body = b'{"amount_fen":100}'
        first = signature(SECRET, 1767225600, body)
        assert signature(SECRET, 1767225601, body) != first
        assert signature(SECRET, 1767225600, b'{"amount_fen":101}') != first
        assert signature(SECRET + b"x", 1767225600, body) != first

    def test_headers_carry_the_record_id_the_timestamp_and_the_signature(self):
        body = self.VECTORS[0][0]
        sent = headers("r-1", 1767225600, body, SECRET)
        assert sent == {
            "Content-Type": "application/json; charset=utf-8",
            "X-Minsheng-Record-Id": "r-1",
            "X-Minsheng-Timestamp": "1767225600",
            "X-Minsheng-Signature": f"sha256={self.VECTORS[0][1]}",
        }


class TestClassify:
    @pytest.mark.parametrize("status", [200, 201, 202, 204, 299, 409])
    def test_success_and_already_have_it_are_delivered(self, status):
        assert classify(status) is Outcome.DELIVERED

    @pytest.mark.parametrize(
        "status", [None, 500, 502, 503, 504, 599, 408, 425, 429, 401, 403, 301, 302, 307, 100]
    )
    def test_outages_timeouts_limits_and_configuration_are_retried(self, status):
        assert classify(status) is Outcome.RETRY

    @pytest.mark.parametrize("status", [400, 404, 405, 410, 413, 415, 422, 451, 499])
    def test_the_receiver_refusing_the_content_is_dead_at_once(self, status):
        assert classify(status) is Outcome.DEAD

    def test_an_error_says_the_status_line_only(self):
        assert describe_status(503, "Service Unavailable") == "HTTP 503 Service Unavailable"
        assert len(describe_status(500, "x" * 1000)) == 300


class TestBackoff:
    def test_doubles_from_two_seconds_with_equal_jitter(self):
        assert [backoff_seconds(n, 1.0) for n in range(1, 6)] == [2, 4, 8, 16, 32]
        assert [backoff_seconds(n, 0.0) for n in range(1, 6)] == [1, 2, 4, 8, 16]

    def test_is_capped_at_an_hour(self):
        assert backoff_seconds(12, 1.0) == 3600
        assert backoff_seconds(10_000, 1.0) == 3600  # no overflow, however many attempts
        assert backoff_seconds(10_000, 0.0) == 1800

    @given(st.integers(1, 200), st.floats(0, 1, exclude_max=True))
    def test_stays_between_half_and_all_of_the_nominal_wait(self, attempts, jitter):
        nominal = min(3600.0, 2.0 * 2 ** min(attempts - 1, 64))
        assert nominal / 2 <= backoff_seconds(attempts, jitter) <= nominal

    def test_base_and_cap_are_settings(self):
        assert backoff_seconds(3, 1.0, base=0.1, cap=0.3) == pytest.approx(0.3)
        assert backoff_seconds(1, 1.0, base=0.1, cap=0.3) == pytest.approx(0.1)


class TestAfterAttempt:
    SETTINGS = FeedSettings("https://x.example", b"s" * 32, max_attempts=3)

    def test_a_delivery_counts_the_attempt_and_waits_no_more(self):
        step = after_attempt(1, Outcome.DELIVERED, None, self.SETTINGS, 0.5)
        assert (step.state, step.attempts, step.retry_in, step.error) == (
            "delivered",
            2,
            None,
            None,
        )

    def test_a_failure_waits_the_backoff_of_its_attempt(self):
        step = after_attempt(1, Outcome.RETRY, "HTTP 503 Service Unavailable", self.SETTINGS, 1.0)
        assert (step.state, step.attempts, step.retry_in) == ("pending", 2, 4.0)
        assert step.error == "HTTP 503 Service Unavailable"

    def test_the_last_allowed_failure_is_dead(self):
        step = after_attempt(2, Outcome.RETRY, "ConnectionRefusedError: refused", self.SETTINGS, 0)
        assert (step.state, step.attempts, step.retry_in) == ("dead", 3, None)
        assert step.error == "ConnectionRefusedError: refused"

    def test_a_refused_record_is_dead_on_its_first_attempt(self):
        step = after_attempt(0, Outcome.DEAD, "HTTP 422 Unprocessable Entity", self.SETTINGS, 0)
        assert (step.state, step.attempts) == ("dead", 1)

    def test_an_error_is_cut_to_the_column(self):
        step = after_attempt(0, Outcome.RETRY, "e" * 1000, self.SETTINGS, 0)
        assert len(step.error) == 300


class TestSettings:
    def test_no_url_is_the_feed_off(self):
        settings = settings_from({})
        assert not settings.enabled and settings.endpoint is None
        assert (settings.max_attempts, settings.timeout) == (10, 10.0)
        assert (settings.backoff_base, settings.backoff_cap) == (2.0, 3600.0)

    def test_a_full_configuration(self):
        settings = settings_from(
            {
                **GOOD,
                "BUDGET_FEED_CA_FILE": "/etc/feed-ca.pem",
                "BUDGET_FEED_MAX_ATTEMPTS": "5",
                "BUDGET_FEED_TIMEOUT": "3.5",
                "BUDGET_FEED_BACKOFF_SECONDS": "0.5",
                "BUDGET_FEED_BACKOFF_MAX_SECONDS": "60",
            }
        )
        assert settings.enabled and settings.secret == b"s" * 32
        assert settings.endpoint == "https://feed.example.cn/v1/records"
        assert settings.ca_file == "/etc/feed-ca.pem"
        assert (settings.max_attempts, settings.timeout) == (5, 3.5)
        assert (settings.backoff_base, settings.backoff_cap) == (0.5, 60.0)

    @pytest.mark.parametrize(
        "url", ["http://127.0.0.1:8080/feed", "http://localhost/feed", "http://[::1]:9000/"]
    )
    def test_plain_http_only_to_this_machine(self, url):
        assert settings_from({**GOOD, "BUDGET_FEED_URL": url}).enabled

    @pytest.mark.parametrize(
        ("changes", "says"),
        [
            ({"BUDGET_FEED_SECRET": ""}, "BUDGET_FEED_SECRET"),
            ({"BUDGET_FEED_SECRET": "short"}, "32"),
            ({"BUDGET_FEED_URL": "http://feed.example.cn/records"}, "https"),
            ({"BUDGET_FEED_URL": "http://127.0.0.2/records"}, "https"),
            ({"BUDGET_FEED_URL": "ftp://feed.example.cn/"}, "https"),
            ({"BUDGET_FEED_URL": "https:///records"}, "https"),
            ({"BUDGET_FEED_URL": "https://user:pw@feed.example.cn/"}, "credentials"),
            (
                {"BUDGET_FEED_URL": "http://127.0.0.1/", "BUDGET_FEED_CA_FILE": "/ca.pem"},
                "plain HTTP",
            ),
            ({"BUDGET_FEED_MAX_ATTEMPTS": "0"}, "BUDGET_FEED_MAX_ATTEMPTS"),
            ({"BUDGET_FEED_MAX_ATTEMPTS": "2.5"}, "whole number"),
            ({"BUDGET_FEED_TIMEOUT": "nan"}, "BUDGET_FEED_TIMEOUT"),
            ({"BUDGET_FEED_BACKOFF_SECONDS": "-1"}, "BUDGET_FEED_BACKOFF_SECONDS"),
        ],
    )
    def test_a_setting_not_to_run_with_refuses_the_start(self, changes, says):
        with pytest.raises(FeedConfigError, match=says):
            settings_from({**GOOD, **changes})

    def test_the_endpoint_shown_has_no_query(self):
        url = "https://feed.example.cn/records?token=abc"
        assert settings_from({**GOOD, "BUDGET_FEED_URL": url}).endpoint == (
            "https://feed.example.cn/records"
        )
