"""OpenAPI 3, generated from the same marshmallow schemas that validate requests."""

import re
from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import schemas
from .apidoc import Route
from .routes import ballots, intake, lists, reports, results, screening, sessions

CORE_ROUTES = (
    Route(
        "post",
        "/api/v1/auth/token",
        "登录，换取访问令牌 (log in)",
        "auth",
        schemas.TokenResponse,
        body=schemas.LoginRequest,
    ),
    Route("get", "/api/v1/areas", "行政区划列表 (all areas)", "areas", schemas.AreaList),
    Route(
        "get",
        "/api/v1/areas/{code}",
        "行政区划详情，含下级 (one area with children)",
        "areas",
        schemas.AreaDetail,
    ),
    Route("get", "/api/v1/health", "健康检查 (broker and levels)", "ops", schemas.Health),
)
ROUTES = (
    *CORE_ROUTES,
    *intake.DOCS,
    *screening.DOCS,
    *lists.DOCS,
    *reports.DOCS,
    *sessions.DOCS,
    *ballots.DOCS,
    *results.DOCS,
)

ERRORS = {
    400: "请求有误",
    401: "未登录",
    403: "无权限",
    404: "不存在",
    409: "冲突",
    413: "请求体过大",
    422: "不符合规则",
    429: "请求过于频繁",
    503: "该层级服务不可用",
}


def _file_response(media_types: tuple[str, ...]) -> dict[str, Any]:
    return {
        "description": "文件下载 (file download)",
        "headers": {
            "Content-Disposition": {
                "description": "attachment; filename*=UTF-8''<中文文件名> (RFC 5987)",
                "schema": {"type": "string"},
            }
        },
        "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types},
    }


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": route.summary, "tags": [route.tag], "responses": {}}
    if route.response is not None:
        operation["responses"][str(route.status)] = {
            "description": "成功 (success)",
            "content": {"application/json": {"schema": route.response}},
        }
    if route.files:
        operation["responses"][str(route.status)] = _file_response(route.files)
    for status, text in ERRORS.items():
        operation["responses"][str(status)] = {
            "description": text,
            "content": {"application/json": {"schema": "ErrorEnvelope"}},
        }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": route.body}},
        }
    # OpenAPI requires every {name} in a path to be declared as a required path parameter.
    for name in re.findall(r"{(\w+)}", route.path):
        operation.setdefault("parameters", []).append(
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        )
    if route.query is not None:
        operation.setdefault("parameters", []).append({"in": "query", "schema": route.query})
    if route.login:
        operation["security"] = [{"bearer": []}]
    if route.idempotent:
        operation.setdefault("parameters", []).append(
            {
                "in": "header",
                "name": "Idempotency-Key",
                "required": False,
                "schema": {"type": "string"},
            }
        )
    return operation


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
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method] = _operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()
