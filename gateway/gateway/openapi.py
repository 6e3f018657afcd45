"""OpenAPI 3, generated from the route declarations (gateway.routes) and the same marshmallow
schemas that validate requests: a route's documentation is the route, statuses included."""

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import schemas
from .table.mount import declared
from .table.route import PathParam, Route
from .table.who import describe

ROUTES = tuple(route for route in declared() if route.documented)

ERRORS = {
    400: "请求有误，details 逐字段说明 (bad request: per-field details)",
    401: "未登录或登录凭证无效 (not logged in, or the token is invalid)",
    403: "无权限：角色或地区范围不符 (forbidden: role or area scope)",
    404: "不存在 (not found)",
    408: "请求体未在限定时间内收完，连接已关闭 (the body came too slowly; connection closed)",
    409: "与当前状态冲突 (conflict with the current state)",
    413: "请求体过大 (request body too large)",
    415: "请使用 application/json (unsupported media type)",
    422: "不符合规则 (a rule is not met)",
    429: "请求过于频繁 (rate limited)",
    503: "服务暂不可用：该层级的服务或数据库 (unavailable: a level's workers or a database)",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "多少秒后再试 (seconds to wait before retrying)",
        "schema": {"type": "integer", "minimum": 1},
    }
}
HEADERS = {
    "Location": "新建资源的地址 (where the created resource is)",
    "Cache-Control": "no-store：不得缓存 (never cached)",
    "Content-Disposition": "attachment; filename*=UTF-8''<中文文件名> (RFC 5987)",
}
CONVERTERS = {"string": {"type": "string"}, "int": {"type": "integer", "minimum": 0}}


def _header(name: str) -> dict[str, Any]:
    return {name: {"description": HEADERS[name], "schema": {"type": "string"}}}


def _success(route: Route) -> dict[str, Any]:
    response: dict[str, Any] = {"description": "成功 (success)"}
    headers: dict[str, Any] = {}
    if route.location:
        headers |= _header("Location")
    if route.no_store or route.files:
        headers |= _header("Cache-Control")
    if route.files:
        headers |= _header("Content-Disposition")
        binary = {"schema": {"type": "string", "format": "binary"}}
        response["content"] = dict.fromkeys(route.files, binary)
    elif route.response is not None:
        response["content"] = {"application/json": {"schema": route.response}}
    return response | ({"headers": headers} if headers else {})


def _responses(route: Route) -> dict[str, Any]:
    responses = {str(route.status): _success(route)}
    for status in route.statuses():
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": "ErrorEnvelope"}},
        } | ({"headers": RETRY_AFTER} if status in (429, 503) else {})
    for status, schema in route.answers:
        responses[str(status)] = {
            "description": ERRORS[status],
            "content": {"application/json": {"schema": schema}},
        }
    return responses


def _path_parameter(param: PathParam) -> dict[str, Any]:
    schema = {"type": "string", "enum": list(param.choices)} if param.choices else None
    return {
        "in": "path",
        "name": param.name,
        "required": True,
        "schema": schema or CONVERTERS[param.converter],
    }


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = [_path_parameter(param) for param in route.params]
    if route.query is not None:
        parameters.append({"in": "query", "schema": route.query})
    if route.idempotent:
        parameters.append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "description": "重试同一创建请求时返回第一次的结果 (a retried create answers "
                "the first result; the same key with another body is 409)",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,200}$"},
            }
        )
    return parameters


def who(route: Route) -> str:
    """Who may call, in words: the roles first, then what they do not say."""
    if route.login:
        words = [f"须登录；角色 (login; roles)：{describe(route.roles or ())}"]
    else:
        words = ["任何人，无需登录 (anyone, no login)"]
    words += [route.who] if route.who else []
    words += (
        ["匿名调用按客户端限流 (anonymous callers rate-limited per client)"]
        if route.public_limit
        else []
    )
    return "。".join(words) + "。"


def _security(route: Route) -> list[dict[str, list[str]]] | None:
    if route.login:
        return [{"bearer": []}]
    if route.optional_login:  # a token is optional and changes the answer
        return [{}, {"bearer": []}]
    return None


def operation(route: Route) -> dict[str, Any]:
    found: dict[str, Any] = {
        "operationId": route.entrypoint,
        "summary": route.summary,
        "description": who(route),
        "tags": [route.tag],
        "x-roles": sorted(route.roles or ()),
        "x-login": route.login,
        "responses": _responses(route),
    }
    if parameters := _parameters(route):
        found["parameters"] = parameters
    if route.body is not None:
        content = {"application/json": {"schema": route.body}}
        found["requestBody"] = {"required": route.body_required, "content": content}
        if route.body_note:
            found["requestBody"]["description"] = route.body_note
    if security := _security(route):
        found["security"] = security
    return found


def _noted_schemas(spec: APISpec) -> None:
    """A body's note also describes its schema, registered before a path refers to it."""
    notes: dict[type, str] = {}
    for route in ROUTES:
        noted = route.body is not None and route.body_note
        if noted and notes.setdefault(route.body, route.body_note) != route.body_note:
            raise ValueError(f"两条路由对 {route.body.__name__} 的说明不同 (two notes)")
    for schema, note in notes.items():
        spec.components.schema(schema.__name__, {"description": note}, schema=schema)


@cache
def document() -> dict[str, Any]:
    spec = APISpec(
        title="民生实事 Minsheng API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "群众提、代表定、政府办、人大评 — HTTP/JSON API"},
    )
    spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    spec.components.schema("ErrorEnvelope", schema=schemas.ErrorEnvelope)
    _noted_schemas(spec)
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
