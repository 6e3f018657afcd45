"""Logging in and being let in: password hashes, signed tokens, rate limits, the Guard."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from gateway.ratelimit import WindowLimiter
from servicekit import areas
from servicekit.auth import ANONYMOUS, Guard, Principal
from servicekit.config import RateLimit
from servicekit.errors import Forbidden, RateLimited, Unauthenticated

from gateway import passwords, tokens
from tests.support.gateway import FakeClock

SECRET = "unit-test-secret-0123456789abcdef"
STAFF = Principal("u-17", ("government_staff",), "150622")  # 准格尔旗 government


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


CHEAP = passwords.Cost(2**10, 8, 1)  # the format and the checks, without 0.45 s per hash
OLD = passwords.Cost(2**14, 8, 1)  # what hashes were made with before OWASP's parameters


def cheap(password):
    return passwords.hash_password(password, CHEAP)


class TestPasswords:
    def test_the_right_password_verifies(self):
        assert passwords.verify_password("正确的密码 correct", cheap("正确的密码 correct"))

    def test_a_wrong_password_fails(self):
        stored = cheap("correct horse")
        assert not passwords.verify_password("correct horsE", stored)
        assert not passwords.verify_password("", stored)

    def test_hashes_are_salted(self):
        first, second = cheap("same"), cheap("same")
        assert first != second
        assert first.split("$")[4] != second.split("$")[4]
        assert passwords.verify_password("same", first) and passwords.verify_password(
            "same", second
        )

    def test_the_hash_does_not_contain_the_password(self):
        assert "plaintext-secret" not in cheap("plaintext-secret")

    @pytest.mark.parametrize(
        "stored",
        [
            "",
            "garbage",
            "md5$1$2$3$4$5",
            "plain-password",
            "scrypt$1000$8$1$c2FsdA==$ZGlnZXN0",  # N not a power of two
            "scrypt$1073741824$8$1$c2FsdA==$ZGlnZXN0",  # N = 2^30: refused, not run
            "scrypt$1024$8$1$not base64!$ZGlnZXN0",
            "scrypt$x$8$1$c2FsdA==$ZGlnZXN0",
        ],
    )
    def test_malformed_or_foreign_hashes_never_verify(self, stored):
        assert not passwords.verify_password("plain-password", stored)
        assert passwords.check("plain-password", stored) == (False, None)

    def test_new_hashes_carry_owasps_scrypt_parameters(self):
        stored = passwords.hash_password("correct horse battery")
        assert stored.split("$")[:4] == ["scrypt", str(2**17), "8", "1"]
        assert passwords.verify_password("correct horse battery", stored)
        assert not passwords.outdated(stored)

    def test_a_hash_of_older_parameters_is_replaced_once_it_verifies(self):
        stored = passwords.hash_password("old password", OLD)
        assert passwords.outdated(stored)
        verified, upgraded = passwords.check("old password", stored, CHEAP)
        assert verified and upgraded is not None and upgraded.split("$")[1] == str(2**10)
        assert passwords.verify_password("old password", upgraded)
        assert passwords.check("old password", upgraded, CHEAP) == (True, None)

    def test_a_wrong_password_replaces_nothing(self):
        assert passwords.check("wrong", passwords.hash_password("right", OLD), CHEAP) == (
            False,
            None,
        )


class TestTokens:
    def test_issue_and_verify_round_trip_the_principal(self):
        principal = Principal("u-1", ("admin", "deputy"), "150600")
        token, expires = tokens.issue(SECRET, principal, datetime.now(UTC))
        assert tokens.verify(SECRET, token) == principal
        assert expires - datetime.now(UTC) > tokens.LIFETIME - timedelta(minutes=1)

    def test_the_department_is_the_dept_claim_and_older_tokens_have_none(self):
        clerk = Principal("u-2", ("department_staff",), "150622", "zhujian", "住建局")
        token, _ = tokens.issue(SECRET, clerk, datetime.now(UTC))
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], issuer="minsheng")
        assert claims["dept"] == "住建局"
        assert tokens.verify(SECRET, token) == clerk
        del claims["dept"]  # a token issued before accounts had a department
        older = jwt.encode(claims, SECRET, algorithm="HS256")
        assert tokens.verify(SECRET, older).department is None

    def test_an_expired_token_is_invalid(self):
        issued = datetime.now(UTC) - tokens.LIFETIME - timedelta(seconds=5)
        token, _ = tokens.issue(SECRET, STAFF, issued)
        with pytest.raises(tokens.TokenInvalid, match="expired"):
            tokens.verify(SECRET, token)

    def test_a_remembered_token_is_refused_once_it_expires(self):
        token, expires = tokens.issue(SECRET, STAFF, datetime.now(UTC))
        assert tokens.verify(SECRET, token) == STAFF  # verified, and remembered
        with pytest.raises(tokens.TokenInvalid, match="expired"):
            tokens.verify(SECRET, token, now=expires.timestamp() + 1)
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        with pytest.raises(tokens.TokenInvalid, match="invalid"):
            tokens.verify(SECRET, tampered)  # another text: verified afresh

    def test_a_token_still_inside_its_lifetime_is_valid(self):
        issued = datetime.now(UTC) - tokens.LIFETIME + timedelta(minutes=5)
        token, _ = tokens.issue(SECRET, STAFF, issued)
        assert tokens.verify(SECRET, token) == STAFF

    def test_a_token_signed_with_another_secret_is_invalid(self):
        token, _ = tokens.issue("another-secret-0123456789abcdef!", STAFF, datetime.now(UTC))
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SECRET, token)

    def test_a_token_with_elevated_claims_is_invalid(self):
        token, _ = tokens.issue(SECRET, STAFF, datetime.now(UTC))
        header, payload, signature = token.split(".")
        claims = json.loads(_unb64(payload))
        claims.update(roles=["admin"], area="150600")
        forged = ".".join([header, _b64(json.dumps(claims).encode()), signature])
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SECRET, forged)

    def test_an_unsigned_token_is_invalid(self):
        claims = {
            "iss": tokens.ISSUER,
            "sub": "u-1",
            "roles": ["admin"],
            "area": "150600",
            "exp": int((datetime.now(UTC) + timedelta(hours=1)).timestamp()),
        }
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SECRET, jwt.encode(claims, None, algorithm="none"))

    def test_a_token_from_another_issuer_is_invalid(self):
        claims = {
            "iss": "someone-else",
            "sub": "u-1",
            "exp": int((datetime.now(UTC) + timedelta(hours=1)).timestamp()),
        }
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SECRET, jwt.encode(claims, SECRET, algorithm="HS256"))

    @pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
    def test_garbage_is_invalid(self, token):
        with pytest.raises(tokens.TokenInvalid):
            tokens.verify(SECRET, token)


class TestWindowLimiter:
    def limiter(self, requests=3, seconds=60.0):
        clock = FakeClock()
        return WindowLimiter(RateLimit(requests, seconds), clock), clock

    def test_allows_the_limit_then_refuses_with_retry_after(self):
        limiter, clock = self.limiter(3, 60)
        for _ in range(3):
            limiter.check("1.2.3.4")
            clock.advance(10)
        with pytest.raises(RateLimited) as caught:
            limiter.check("1.2.3.4")
        # window started at t=1000, now t=1030: 30 seconds left
        assert caught.value.details == {"retry_after": 30}
        assert "30" in caught.value.message

    def test_retry_after_rounds_up_and_is_at_least_one_second(self):
        limiter, clock = self.limiter(1, 10)
        limiter.check("k")
        clock.advance(9.99)
        assert limiter.wait_for("k") == 1
        clock.advance(-0.49)
        assert limiter.wait_for("k") == 1
        clock.advance(-5)
        assert limiter.wait_for("k") == 6

    def test_the_window_resets_after_its_length(self):
        limiter, clock = self.limiter(2, 60)
        limiter.check("k")
        limiter.check("k")
        with pytest.raises(RateLimited):
            limiter.check("k")
        clock.advance(60)
        limiter.check("k")
        limiter.check("k")
        with pytest.raises(RateLimited):
            limiter.check("k")

    def test_refused_calls_do_not_extend_the_window(self):
        limiter, clock = self.limiter(1, 60)
        limiter.check("k")
        for _ in range(5):
            clock.advance(10)
            with pytest.raises(RateLimited):
                limiter.check("k")
        clock.advance(10)
        limiter.check("k")  # t = start + 60

    def test_keys_are_limited_separately(self):
        limiter, _ = self.limiter(1, 60)
        limiter.check("a")
        limiter.check("b")
        with pytest.raises(RateLimited):
            limiter.check("a")

    def test_wait_for_counts_nothing_and_forget_clears(self):
        limiter, _ = self.limiter(1, 60)
        for _ in range(5):
            assert limiter.wait_for("k") == 0
        limiter.hit("k")
        assert limiter.wait_for("k") > 0
        limiter.forget("k")
        assert limiter.wait_for("k") == 0


class TestGuardRequire:
    def guard(self, principal):
        return Guard(principal, "collection", "township")

    def test_anonymous_is_unauthenticated(self, caplog):
        with pytest.raises(Unauthenticated):
            self.guard(ANONYMOUS).require(("admin",), "150622")
        assert [r.reason for r in caplog.records if r.name == "minsheng.security"] == [
            "unauthenticated"
        ]

    def test_a_wrong_role_is_forbidden(self, caplog):
        with pytest.raises(Forbidden) as caught:
            self.guard(STAFF).require(("admin", "congress_staff"), "150622")
        assert caught.value.details == {"required_roles": ["admin", "congress_staff"]}
        assert [r.reason for r in caplog.records if r.name == "minsheng.security"] == ["role"]

    def test_an_area_outside_the_scope_is_forbidden(self, caplog):
        with pytest.raises(Forbidden) as caught:
            self.guard(STAFF).require(("government_staff",), "150621")  # 达拉特旗, a sibling banner
        assert caught.value.details == {"area_code": "150621"}
        assert [r.reason for r in caplog.records if r.name == "minsheng.security"] == ["area_scope"]

    def test_the_parent_of_the_scope_is_forbidden(self):
        with pytest.raises(Forbidden):
            self.guard(STAFF).require(("government_staff",), "150600")

    def test_an_unknown_area_is_forbidden(self):
        with pytest.raises(Forbidden):
            self.guard(STAFF).require(("government_staff",), "150699")

    def test_the_scope_area_itself_is_allowed(self):
        assert self.guard(STAFF).require(("government_staff",), "150622") == STAFF

    def test_a_descendant_area_is_allowed(self):
        town = next(a.code for a in areas.load().children("150622") if a.name == "薛家湾镇")
        assert self.guard(STAFF).require(("government_staff",), town) == STAFF

    def test_city_scope_covers_every_township(self):
        city = Principal("u-1", ("admin",), "150600")
        for area in areas.load().all():
            assert self.guard(city).require(("admin",), area.code) == city

    def test_no_area_checks_login_and_role_only(self):
        assert self.guard(STAFF).require(["government_staff", "admin"]) == STAFF

    def test_a_user_without_area_scope_is_refused_any_area(self):
        unscoped = Principal("u-2", ("admin",), None)
        with pytest.raises(Forbidden):
            self.guard(unscoped).require(("admin",), "150622")

    def test_the_principal_survives_nameko_context_data(self):
        key = b"k" * 32
        context = {"auth": STAFF.to_context(key)}
        assert Principal.from_context(context, key) == STAFF
        assert Principal.from_context({}, key) == ANONYMOUS
