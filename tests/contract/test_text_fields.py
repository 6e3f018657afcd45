"""Every text field of every contract schema (and the gateway's own bodies) refuses control
characters with a 400 naming the field, and every pattern matches the whole value: the rules
live in contracts.fields (StrictSchema and the field helpers), so a new schema inherits them."""

import importlib
import pkgutil

import contracts
import pytest
from contracts import proposals, voting
from contracts.fields import StrictSchema, area_code
from contracts.rpc import ProposalSubmit
from marshmallow import fields
from servicekit.errors import ValidationFailed
from servicekit.validation import load

from gateway import schemas as gateway_schemas

# C0 but tab, newline and carriage return; DEL; C1; a lone surrogate (no UTF-8 form).
REFUSED = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ud800"]
ACCEPTED = ["\t", "\n", "\r\n"]
GOOD_PROPOSAL = {
    "title": "林荫街道广场改造",
    "description": "广场地砖破损，夜间照明不足。",
    "category": "基础设施",
    "area_code": "150602001",
    "location": {"text": "林荫街道文化广场"},
}


def all_schemas():
    for info in pkgutil.iter_modules(contracts.__path__):
        importlib.import_module(f"contracts.{info.name}")
    found, todo = set(), [StrictSchema]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    modules = ("contracts.", gateway_schemas.__name__)
    return sorted(
        (s for s in found if s.__module__.startswith(modules)),
        key=lambda s: f"{s.__module__}.{s.__name__}",
    )


def text_fields():
    """(schema, field name) of every field that takes text, alone or in a list or mapping."""
    return [
        pytest.param(schema, name, id=f"{schema.__name__}.{name}")
        for schema in all_schemas()
        for name, field in schema().fields.items()
        if isinstance(field, fields.String | fields.List | fields.Dict | fields.Nested)
    ]


def refusal(schema, payload):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, payload)
    return refused.value.details


@pytest.mark.parametrize(("schema", "name"), text_fields())
def test_a_control_character_in_any_text_field_is_refused_naming_the_field(schema, name):
    field = schema().fields[name]
    value, where = "正文\x07", "X"
    if isinstance(field, fields.List):
        value, where = [value], {0: where}
    elif isinstance(field, fields.Dict | fields.Nested):
        value, where = {"key": value}, {"key": where}
    key = field.data_key or name
    assert leaves(refusal(schema, {key: value})[key]) == where


def leaves(messages):
    """The shape of nested messages, each list of control-character messages as "X"."""
    if isinstance(messages, dict):
        return {key: leaves(value) for key, value in messages.items()}
    return "X" if len(messages) == 1 and "控制字符" in messages[0] else messages


@pytest.mark.parametrize("bad", REFUSED, ids=[repr(b) for b in REFUSED])
def test_each_refused_character_is_a_400_naming_its_field(bad):
    details = refusal(ProposalSubmit, {**GOOD_PROPOSAL, "title": f"广场{bad}改造"})
    assert list(details) == ["title"] and "控制字符" in details["title"][0]


@pytest.mark.parametrize("good", ACCEPTED, ids=[repr(g) for g in ACCEPTED])
def test_tab_and_newlines_are_text(good):
    loaded = load(ProposalSubmit, {**GOOD_PROPOSAL, "description": f"第一段{good}第二段。"})
    assert loaded["description"] == f"第一段{good}第二段。"


def test_nested_values_and_mapping_keys_are_named_where_they_are():
    body = {
        **GOOD_PROPOSAL,
        "location": {"text": "广场\x00"},
        "supporters": [{"suggestion": "同意"}, {"suggestion": "同\x1b意"}],
    }
    details = refusal(ProposalSubmit, body)
    assert set(details) == {"location", "supporters"}
    assert list(details["location"]) == ["text"]
    assert list(details["supporters"]) == [1]
    cast = {"session_id": "T-" + "a" * 32, "token": "T" + "0" * 32, "choices": {"p1\x07": "x"}}
    assert list(refusal(voting.BallotCast, cast)) == ["choices"]


def test_a_new_schema_inherits_the_rule():
    class Later(StrictSchema):
        note = fields.String()

    assert "note" in refusal(Later, {"note": "a\x00b"})


def test_absurdly_deep_nesting_is_refused_not_recursed_into():
    deep: object = "x"
    for _ in range(500):
        deep = [deep]
    assert "choices" in refusal(voting.BallotCast, {"choices": {"p1": deep}})


class TestWholeValuePatterns:
    """`$` also matches before a trailing newline: every pattern must match the whole value."""

    @pytest.mark.parametrize(
        ("field", "good"),
        [
            (area_code(), "150622"),
            (proposals.SupporterIn().fields["phone"], "13904771234"),
            (proposals.AttachmentIn().fields["sha256"], "a" * 64),
        ],
        ids=["area_code", "phone", "sha256"],
    )
    def test_a_trailing_newline_is_refused(self, field, good):
        field.deserialize(good)
        with pytest.raises(Exception, match=r"格式|应为"):
            field.deserialize(good + "\n")

    def test_an_area_code_is_ascii_digits(self):
        with pytest.raises(Exception, match="行政区划"):
            area_code().deserialize("١٥٠٦٢٢")  # Arabic-Indic digits match \d

    @pytest.mark.parametrize("name", ["session_id", "token"])
    def test_a_ballot_with_a_trailing_newline_is_refused(self, name):
        cast = {"session_id": "T-" + "a" * 32, "token": "T" + "0" * 32, "choices": {}}
        load(voting.BallotCast, cast)
        assert list(refusal(voting.BallotCast, {**cast, name: cast[name] + "\n"})) == [name]

    def test_the_documented_patterns_stay_ecmascript(self):
        # JSON Schema patterns are ECMAScript: `$` is the end there, and \Z does not exist.
        assert voting.TOKEN_PATTERN.endswith("$") and "\\Z" not in voting.TOKEN_PATTERN
