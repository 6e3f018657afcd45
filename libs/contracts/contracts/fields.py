"""Field helpers with Chinese-first messages, so every service validates the same way."""

import re
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack, overload

from marshmallow import Schema, ValidationError, fields, pre_load, validate


class Whole(validate.Regexp):
    """A pattern the whole value must match. With re.match, `$` also matches before a trailing
    newline, so "150622\\n" passed `^[0-9]{6}$`; fullmatch does not. Patterns keep their ^…$ form
    for the OpenAPI document: JSON Schema patterns are ECMAScript, where \\Z does not exist."""

    def __init__(self, regex: str, *, error: str):
        super().__init__(regex, error=error)
        self.whole = re.compile(regex)

    def __call__(self, value: str) -> str:  # type: ignore[override]  # text only, never bytes
        if not isinstance(value, str) or self.whole.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


# ASCII digits only: `\d` also matches Arabic-Indic and other Unicode digits.
AREA_CODE = Whole(
    r"^[0-9]{6}([0-9]{3})?$", error="行政区划代码应为 6 位或 9 位数字 (area code: 6 or 9 digits)"
)

# Characters no text takes (ARCHITECTURE §11): C0 controls but tab, newline and carriage return
# (the three XML 1.0, and so Excel, allows; CRLF is how CSV files and browser forms end a line),
# DEL, C1 controls, and lone surrogates (no UTF-8 form: PostgreSQL and every export would fail).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_REFUSED = "不能包含控制字符（制表符、换行除外）(no control characters but tab and newline)"
# No request nests deeper than a few levels; past this the value is refused, not walked.
MAX_DEPTH = 32
TOO_DEEP = f"嵌套超过 {MAX_DEPTH} 层 (nested more than {MAX_DEPTH} levels)"

# What a @validates_schema hook receives: the loaded values, one type per field, so Any to mypy.
LoadedData = Mapping[str, Any]


class FieldOptions(TypedDict, total=False):
    """The marshmallow field options the helpers below pass through (add one when a schema
    needs it)."""

    required: bool
    allow_none: bool
    load_default: object
    dump_default: object


def text(min_len: int, max_len: int, **kwargs: Unpack[FieldOptions]) -> fields.String:
    return fields.String(
        validate=validate.Length(
            min=min_len,
            max=max_len,
            error=f"长度应在 {min_len} 到 {max_len} 个字符之间 (length {min_len}-{max_len})",
        ),
        **kwargs,
    )


def one_of(choices: tuple[str, ...], **kwargs: Unpack[FieldOptions]) -> fields.String:
    listed = "、".join(choices)
    return fields.String(
        validate=validate.OneOf(
            choices, error=f"取值应为：{listed} (must be one of the listed values)"
        ),
        **kwargs,
    )


def bounded_int(low: int, high: int, **kwargs: Unpack[FieldOptions]) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(
            min=low, max=high, error=f"应在 {low} 到 {high} 之间 (range {low}-{high})"
        ),
        **kwargs,
    )


def area_code(**kwargs: Unpack[FieldOptions]) -> fields.String:
    return fields.String(validate=AREA_CODE, **kwargs)


def text_problems(value: object, depth: int = 0) -> Any:
    """Where `value` holds a refused character, shaped as marshmallow's messages (by key, by
    list index, a list of messages at the place), or None. Every string counts, whatever
    the field's type: keys of mappings and values of Raw fields too."""
    if isinstance(value, str):
        return [CONTROL_REFUSED] if CONTROL_CHARACTERS.search(value) else None
    if not isinstance(value, dict | list):
        return None
    if depth >= MAX_DEPTH:
        return [TOO_DEEP]
    found: dict[Any, Any] = {}
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        problem = text_problems(item, depth + 1)
        if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
            problem = [CONTROL_REFUSED]
            key = CONTROL_CHARACTERS.sub("\ufffd", key)  # the message names it, harmlessly
        if problem is not None:
            found[key] = problem
    return found or None


class StrictSchema(Schema):
    """Unknown keys are an error (marshmallow's default RAISE): a typo in a field name must not
    be silently dropped. Every contract schema derives from this one.

    No text anywhere in a loaded payload holds a control character (CONTROL_CHARACTERS): the
    check runs before any field, here once, so every schema, helper or not, inherits it."""

    @pre_load
    def _refuse_control_characters(self, data: Any, **kwargs: object) -> Any:
        problems = text_problems(data) if isinstance(data, dict) else None
        if problems:
            raise ValidationError(problems)
        return data


# marshmallow's stock messages, translated once; unknown messages pass through unchanged.
_MESSAGES_ZH = {
    "Missing data for required field.": "缺少必填字段 (required)",
    "Unknown field.": "未知字段 (unknown field)",
    "Not a valid string.": "应为字符串 (not a string)",
    "Not a valid integer.": "应为整数 (not an integer)",
    "Not a valid number.": "应为数字 (not a number)",
    "Not a valid datetime.": "应为 ISO 8601 时间 (not a datetime)",
    "Not a valid aware datetime.": "时间须带时区 (datetime needs a time zone)",
    "Not a valid mapping type.": "应为对象 (not an object)",
    "Invalid input type.": "输入类型错误 (invalid input type)",
    "Field may not be null.": "不能为空 (may not be null)",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大 (nan/inf)",
    "Invalid value.": "取值无效 (invalid value)",
}


@overload
def localize(messages: dict[str, Any]) -> dict[str, Any]: ...
@overload
def localize(messages: object) -> object: ...
def localize(messages: object) -> object:
    """Translate marshmallow's nested error messages into Chinese-first text."""
    if isinstance(messages, dict):
        return {key: localize(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [localize(item) for item in messages]
    if isinstance(messages, str):
        return _MESSAGES_ZH.get(messages, messages)
    return messages
