"""JSON log lines carrying the request id. Secrets and contact data never reach a log line:
fields with sensitive names are masked before formatting."""

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)

SENSITIVE = ("password", "token", "secret", "phone", "authorization", "submitter_name", "resident")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def _masked(key: str, value: Any) -> Any:
    return "***" if any(word in key.lower() for word in SENSITIVE) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in line:
                line[key] = _masked(key, value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def status_of(error: BaseException | None) -> int:
    """The HTTP status an error answers with: a ServiceError's `status`, Werkzeug's `code`
    (413, 415 while a body is read); 500 for anything else."""
    for attribute in ("status", "code"):  # a ServiceError's `code` is text, its status an int
        status = getattr(error, attribute, None)
        if isinstance(status, int):
            return status
    return 500


class QuietRefusals(logging.Filter):
    """nameko logs an expected exception (a ServiceError, or Werkzeug's refusal of a body) as a
    warning with its traceback. A hall of deputies re-sending a ballot would fill the log with
    them. A refusal (4xx) is an answer, not a fault: one INFO line. An expected 5xx (a level's
    workers unavailable) stays a warning, on one line too: its traceback says nothing the
    message does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("(expected)"):
            error = record.exc_info[1] if record.exc_info else None
            if status_of(error) < 500:
                record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info = record.exc_text = None
        return True


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("amqp", "kombu", "nameko"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    containers = logging.getLogger("nameko.containers")
    if not any(isinstance(f, QuietRefusals) for f in containers.filters):
        containers.addFilter(QuietRefusals())


class RequestContext(DependencyProvider):  # type: ignore[misc]  # subclasses untyped nameko
    """Puts the request id of the current worker into the logging context.

    Lifecycle: worker_setup() runs inside the worker's green thread, whose context variables are
    its own, so concurrent workers never see each other's ids.
    """

    def worker_setup(self, worker_ctx: Any) -> None:
        request_id_var.set(worker_ctx.context_data.get("request_id") or worker_ctx.call_id)

    def get_dependency(self, worker_ctx: Any) -> str | None:
        request_id: str | None = worker_ctx.context_data.get("request_id")
        return request_id
