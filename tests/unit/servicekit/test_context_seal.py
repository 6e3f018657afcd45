"""The caller's identity on the broker (servicekit.context_seal, servicekit.auth): believed only
with the gateway's seal, and only for seconds."""

import json

import pytest
from servicekit import config, context_seal
from servicekit.auth import ANONYMOUS, Principal

KEY = b"identity-key-for-tests-0123456789"
NOW = 1_800_000_000.0
CLERK = Principal("u-1", ("government_staff",), "150622100", "zhengfu")


def forged(claims: dict) -> str:
    """What anyone on the broker can write: the claims, unsealed (the old plain JSON)."""
    return json.dumps(claims)


def test_a_sealed_principal_is_believed():
    assert Principal.from_context({"auth": CLERK.to_context(KEY, NOW)}, KEY, NOW + 1) == CLERK


def test_a_department_travels_as_the_dept_claim():
    clerk = Principal("u-2", ("department_staff",), "150622", "zhujian", "住建局")
    sealed = clerk.to_context(KEY, NOW)
    assert json.loads(context_seal._unb64(sealed.split(".")[1]))["dept"] == "住建局"
    assert Principal.from_context({"auth": sealed}, KEY, NOW + 1) == clerk


def test_a_context_sealed_before_departments_has_none():
    claims = {"sub": "u-1", "roles": ["government_staff"], "area": "150622100", "name": "zhengfu"}
    older = context_seal.seal(claims, KEY, NOW)  # what a gateway without departments sealed
    assert Principal.from_context({"auth": older}, KEY, NOW + 1) == CLERK
    assert CLERK.department is None


def test_no_context_is_anonymous():
    assert Principal.from_context({}, KEY, NOW) == ANONYMOUS


@pytest.mark.parametrize(
    "context",
    [
        forged({"sub": "root", "roles": ["admin"], "area": "150600"}),
        "v1.e30.",  # claims without a seal
        "v2." + CLERK.to_context(KEY, NOW)[3:],
        "nonsense",
    ],
)
def test_an_unsealed_context_is_not_believed(context):
    with pytest.raises(context_seal.BadSeal):
        Principal.from_context({"auth": context}, KEY, NOW)


def test_a_context_sealed_with_another_key_is_not_believed():
    with pytest.raises(context_seal.BadSeal, match="bad seal"):
        Principal.from_context({"auth": CLERK.to_context(b"x" * 32, NOW)}, KEY, NOW)


def test_changed_claims_break_the_seal():
    version, body, mac = CLERK.to_context(KEY, NOW).split(".")
    claims = json.loads(context_seal._unb64(body))
    claims["roles"] = ["admin"]
    tampered = f"{version}.{context_seal._b64(json.dumps(claims).encode())}.{mac}"
    with pytest.raises(context_seal.BadSeal, match="bad seal"):
        Principal.from_context({"auth": tampered}, KEY, NOW)


def test_a_copied_context_expires_within_a_minute():
    sealed = CLERK.to_context(KEY, NOW)
    assert Principal.from_context({"auth": sealed}, KEY, NOW + context_seal.TTL_SECONDS - 1)
    with pytest.raises(context_seal.BadSeal, match="expired"):
        Principal.from_context({"auth": sealed}, KEY, NOW + context_seal.TTL_SECONDS + 1)


def test_a_seal_that_claims_a_long_life_is_refused():
    # Sealed "in the future" (a stolen key would still be bounded by this check).
    sealed = CLERK.to_context(KEY, NOW + 3600)
    with pytest.raises(context_seal.BadSeal, match="too late"):
        Principal.from_context({"auth": sealed}, KEY, NOW)


def test_the_identity_key_is_its_own_secret_or_derived_from_the_token_secret(monkeypatch):
    monkeypatch.setenv("TOKEN_SECRET", "t" * 40)
    monkeypatch.delenv("IDENTITY_SECRET", raising=False)
    derived = config.identity_key()
    assert derived not in (b"t" * 40,) and len(derived) == 32
    monkeypatch.setenv("IDENTITY_SECRET", "i" * 40)
    assert config.identity_key() == b"i" * 40


def test_a_short_identity_secret_refuses_the_start(monkeypatch):
    monkeypatch.setenv("IDENTITY_SECRET", "short")
    monkeypatch.delenv("MINSHENG_DEV", raising=False)
    with pytest.raises(config.ConfigError, match="IDENTITY_SECRET"):
        config.identity_key()


def test_without_any_secret_the_identity_key_refuses_the_start_outside_dev(monkeypatch):
    monkeypatch.delenv("IDENTITY_SECRET", raising=False)
    monkeypatch.delenv("TOKEN_SECRET", raising=False)
    monkeypatch.delenv("MINSHENG_DEV", raising=False)
    with pytest.raises(config.ConfigError):
        config.identity_key()
    monkeypatch.setenv("MINSHENG_DEV", "1")
    assert len(config.identity_key()) == 32
