"""Load a payload with a contract schema; refusals become 400 with per-field Chinese messages."""

from typing import Any

from contracts.fields import localize
from marshmallow import Schema, ValidationError

from .errors import ValidationFailed


def load(schema: type[Schema] | Schema, payload: Any) -> dict[str, Any]:
    instance = schema() if isinstance(schema, type) else schema
    if not isinstance(payload, dict):
        raise ValidationFailed("请求体应为 JSON 对象 (body must be a JSON object)")
    try:
        return dict(instance.load(payload))
    except ValidationError as exc:
        raise ValidationFailed(
            "请求数据有误，请检查各字段 (validation failed)", dict(localize(exc.messages))
        ) from exc


def dump(schema: type[Schema] | Schema, obj: Any, many: bool = False) -> Any:
    instance = schema() if isinstance(schema, type) else schema
    return instance.dump(obj, many=many)
