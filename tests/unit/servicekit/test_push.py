"""The signed-push rules shared by the budget feed and petition's 12345 adapter
(servicekit.push): verifying a delivery's signature and freshness, and settings named by each
adapter's prefix (the budget feed's own rules: tests/unit/implementation/test_feed_delivery.py)."""

import pytest
from servicekit import push

SECRET = b"minsheng-hotline-test-secret-0123456789abcdef"
BODY = '{"order_no":"GD-1","状态":"已派单"}'.encode()
NOW = 1_767_225_600


def signed(at=NOW, body=BODY, secret=SECRET):
    return str(at), push.signature(secret, at, body)


class TestVerify:
    def test_a_fresh_signature_over_the_body_passes(self):
        assert push.verify(SECRET, *signed(), BODY, NOW + 299) is None
        assert push.verify(SECRET, *signed(), BODY, NOW - 299) is None  # a fast clock there

    @pytest.mark.parametrize(
        ("stamp", "given", "body", "reason"),
        [
            (None, "sha256=00", BODY, "unsigned"),
            (str(NOW), None, BODY, "unsigned"),
            ("-5", "sha256=00", BODY, "unsigned"),
            ("１７６７２２５６００", "sha256=00", BODY, "unsigned"),  # full-width digits
            ("9" * 40, "sha256=00", BODY, "unsigned"),
            (str(NOW - 301), push.signature(SECRET, NOW - 301, BODY), BODY, "stale"),
            (str(NOW), push.signature(SECRET, NOW, BODY), BODY + b" ", "bad_signature"),
            (str(NOW), push.signature(SECRET, NOW + 1, BODY), BODY, "bad_signature"),
            (str(NOW), push.signature(b"x" + SECRET, NOW, BODY), BODY, "bad_signature"),
            (str(NOW), "sha256=" + "0" * 64, BODY, "bad_signature"),
        ],
    )
    def test_refusals_say_why(self, stamp, given, body, reason):
        assert push.verify(SECRET, stamp, given, body, NOW) == reason

    def test_no_secret_verifies_nothing(self):
        assert push.verify(b"", *signed(secret=b""), BODY, NOW) == "unsigned"

    def test_the_window_is_a_setting(self):
        assert push.verify(SECRET, *signed(NOW - 60), BODY, NOW, window=30) == "stale"


class TestSettingsByPrefix:
    def test_each_adapter_reads_its_own_variables(self):
        env = {"PETITION_HOTLINE_URL": "https://12345.example.cn/in",
               "PETITION_HOTLINE_SECRET": "s" * 32, "PETITION_HOTLINE_MAX_ATTEMPTS": "4",
               "BUDGET_FEED_URL": "https://other.example.cn/"}  # fmt: skip
        settings = push.settings_from(env, "PETITION_HOTLINE")
        assert settings.endpoint == "https://12345.example.cn/in" and settings.max_attempts == 4
        assert not push.settings_from({}, "PETITION_HOTLINE").enabled

    def test_a_refusal_names_the_adapters_variable(self):
        with pytest.raises(push.PushConfigError, match="PETITION_HOTLINE_SECRET"):
            push.settings_from(
                {"PETITION_HOTLINE_URL": "https://x.example.cn/"}, "PETITION_HOTLINE"
            )
