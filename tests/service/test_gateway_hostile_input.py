"""Every documented route of the gateway (gateway.openapi's routes), driven by hypothesis with
hostile values in its path, its query and its body: control characters, NUL, lone surrogates,
trailing newlines after well-formed ids, digits other than 0-9, integers of thousands of digits,
nesting past any limit, unknown keys, wrong types. Whoever calls (anonymous, admin, a township
clerk, a deputy, a bad token), the answer is never a 5xx, and every refusal is the envelope.

The gateway is the real one (tests.support.gateway) on a migrated accounts database; behind it
a recording fake answers every call with a reply that satisfies any route, so a 5xx can only be
the gateway's own. HOSTILE_EXAMPLES sets the examples per route (default 25).
"""

import json
import os
from urllib.parse import quote

import pytest
from gateway.openapi import ROUTES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import fields
from servicekit import config, migrate
from servicekit.auth import Principal
from servicekit.validation import instance_of

from tests.support.gateway import PATH_VALUES, bearer, running_gateway

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "25"))
TOKEN = "T" + "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WELL_FORMED = [*PATH_VALUES.values(), TOKEN, "150622", "150622100", "2027", "admin"]
TAILS = ["\n", "\r\n", "\x00", "\x07", "\x1b[2J", "\x7f", "\x85", "\ud800", "\t", " ", "%00"]
ODD_DIGITS = ["²", "٣", "３", "٠١٢", "-1", "1_000", "9" * 5000, "1e3", "0x10", ""]
REPLY = {
    "id": "00000000-0000-0000-0000-000000000001",
    "tracking_code": "T4KQ-7MZP-X2WD",
    "file_name": "导出.csv",
    "ascii_file_name": "export.csv",
    "content_type": "text/csv; charset=utf-8",
    "content_base64": "5a+85Ye6DQo=",
}
PRINCIPALS = {
    "admin": Principal("u-admin", ("admin",), "150600"),
    "clerk": Principal("u-clerk", ("government_staff",), "150622100"),
    "deputy": Principal("u-deputy", ("deputy",), "150622100"),
}

hostile_text = st.one_of(
    st.text(max_size=40),  # every code point but surrogates, control characters included
    st.sampled_from(WELL_FORMED),
    st.builds(str.__add__, st.sampled_from(WELL_FORMED), st.sampled_from(TAILS)),
    st.sampled_from(ODD_DIGITS),
    st.sampled_from(TAILS),
)
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), hostile_text
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)
# Bodies no encoder writes: the parser must refuse them itself.
RAW_BODIES = [
    b"[" * 100_000,
    b'{"a": ' + b"9" * 5000 + b"}",
    b'{"a": -' + b"9" * 5000 + b"}",
    b'{"a": 1e999999}',
    b'{"a": NaN}',
    b'{"a": "\\ud800"}',
    b'{"a": "\\u0000"}',
    b"\xff\xfe{}",
    b'{"a": 1,}',
    b"",
]


def field_value(field: fields.Field) -> st.SearchStrategy:
    if isinstance(field, fields.Nested):
        return schema_body(type(field.schema)) | json_value
    if isinstance(field, fields.List):
        return st.lists(field_value(field.inner), max_size=3) | json_value
    if isinstance(field, fields.Integer):
        return st.integers(-(2**70), 2**70) | json_value
    return json_value


def schema_body(schema: type) -> st.SearchStrategy:
    """A dict with some of the schema's fields, each plausible or hostile, and maybe more."""
    declared = instance_of(schema).fields
    optional = {f.data_key or name: field_value(f) for name, f in declared.items()}
    known = st.fixed_dictionaries({}, optional=optional)
    return st.one_of(
        known, st.builds(dict.__or__, known, st.dictionaries(hostile_text, json_value))
    )


def encoded(value: str) -> str:
    # Lone surrogates have no UTF-8 form: send the bytes a careless client would.
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def path_of(draw, route) -> str:
    path = route.path
    for param in route.params:
        if param.choices:
            value = draw(st.sampled_from(param.choices) | hostile_text)
        elif param.converter == "int":
            value = draw(st.sampled_from(["1", "3", *ODD_DIGITS]) | hostile_text)
        else:
            value = draw(hostile_text.filter(lambda v: v not in ("", ".", "..")))
        path = path.replace(f"{{{param.name}}}", encoded(value) or "x")
    return path


@st.composite
def query_of(draw, route) -> str:
    if route.query is None:
        return ""
    names = [f.data_key or n for n, f in instance_of(route.query).fields.items()]
    chosen = draw(st.dictionaries(st.sampled_from(names) | hostile_text, hostile_text, max_size=4))
    return "&".join(f"{encoded(k)}={encoded(v)}" for k, v in chosen.items())


@st.composite
def body_of(draw, route) -> bytes | None:
    if route.body is None:
        return draw(st.none() | st.just(b"{}"))
    raw = draw(st.sampled_from(RAW_BODIES) | st.none())
    if raw is not None:
        return raw
    body = draw(schema_body(route.body) | json_value)
    return json.dumps(body, ensure_ascii=True).encode()  # \ud800 travels as its escape


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("hostile")
    with running_gateway(
        monkeypatch, folder, max_body_bytes=256 * 1024, RATE_LIMIT_PUBLIC="1000000/60"
    ) as gateway:
        migrate.upgrade("gateway", config.database_url("gateway"))
        gateway.fake.replies = ReplyToAnything()
        headers = {name: bearer(p) for name, p in PRINCIPALS.items()}
        headers |= {"anonymous": {}, "bad token": {"Authorization": "Bearer x.y.z"}}
        yield gateway, headers
    monkeypatch.undo()


class ReplyToAnything(dict):
    """The fake's replies: the same answer, fit for any route, whatever the method."""

    def get(self, method, default=None):
        return REPLY


def assert_not_a_server_error(response, route) -> None:
    where = f"{route.method.upper()} {response.request.url}"
    documented = {status for status, _ in route.answers}  # health: 503 without a broker
    status = response.status_code
    assert status < 500 or status in documented, f"{where}: {status} {response.text[:300]}"
    # 414: eventlet refuses a request line past 8 KiB itself, before any of our code, with an
    # empty body (README, Known risks); everything else is ours and carries the envelope.
    if status >= 400 and status not in documented and status != 414:
        assert response.headers["Content-Type"].startswith("application/json"), where
        assert set(response.json()["error"]) == {"code", "message", "details"}, where


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_no_hostile_request_gets_a_server_error(platform, route):
    gateway, identities = platform

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=path_of(route),
        query=query_of(route),
        body=body_of(route),
        who=st.sampled_from(sorted(identities)),
        key=st.none() | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E)),
    )
    def request(path, query, body, who, key):
        headers = {**identities[who], "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        url = f"{path}?{query}" if query else path
        response = gateway.request(route.method, url, data=body, headers=headers)
        assert_not_a_server_error(response, route)

    request()
