"""Idempotency keys on creates (ARCHITECTURE §7): a retried submission does not make two.

Every create goes through `create_once`. The key is scoped to the use case and the caller, never
global: the same key sent by two users makes two records. A create that adds to a record (a
supporter to a proposal) puts that record's id in the body it fingerprints, so one key names
one request: the same key on another proposal is a 409, not a second record.
It is stored in the service's own database in the same transaction as the created rows, so
"created" and "remembered" cannot diverge. The same key with a different body is a 409; a retry
racing the original answers the original's result, or 409 while the original is undecided —
never a 500.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .auth import Principal
from .clock import utcnow
from .errors import Conflict
from .outbox import messaging_tables

KEYS = messaging_tables(MetaData())["idempotency_keys"]
# Built once: every keyed create runs both (a scheduling report, a cast, a submission).
_REMEMBERED = select(KEYS.c.fingerprint, KEYS.c.result).where(
    KEYS.c.scope == bindparam("key_scope"), KEYS.c.key == bindparam("key_value")
)
_REMEMBER = insert(KEYS)
MAX_KEY_LENGTH = 200
PUBLIC_CALLER = "public"  # residents without an account share one scope per use case


@dataclass(frozen=True)
class Request:
    """What makes a create repeatable: its key (absent: not idempotent) and its body."""

    key: str | None
    body: Any


def fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def scope_of(use_case: str, caller: Principal | None) -> str:
    """`<use case>:<caller's user id>`, or `<use case>:public` for residents without an account
    (the column holds 80 characters; a user id is 36)."""
    who = (caller.user_id if caller is not None else None) or PUBLIC_CALLER
    return f"{use_case}:{who}"


def create_once(
    session: Session,
    scope: str,
    request: Request,
    create: Callable[[], dict[str, Any]],
    then: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The result remembered for this key, or `create()`'s, committed with the key.

    `create` stages the rows (and outbox events) and returns the response; nothing is committed
    before it returns. `then` (a metric, a log line) runs only after a commit that created."""
    prior = _remembered(session, scope, request)
    if prior is not None:
        return prior
    try:
        result = create()  # its flushes may collide with a concurrent writer's rows too
        if request.key:
            session.execute(
                _REMEMBER,
                [
                    {
                        "scope": scope,
                        "key": request.key,
                        "fingerprint": fingerprint(request.body),
                        "result": json.dumps(result, ensure_ascii=False, default=str),
                        "created_at": utcnow(),
                    }
                ],
            )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        return _after_race(session, scope, request, exc)
    if then is not None:
        then()
    return result


def _remembered(session: Session, scope: str, request: Request) -> dict[str, Any] | None:
    if not request.key:
        return None
    row = session.execute(_REMEMBERED, {"key_scope": scope, "key_value": request.key}).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint(request.body):
        raise Conflict(
            "该幂等键已用于不同的请求内容 (Idempotency-Key reused with a different body)",
            {"idempotency_key": request.key},
        )
    return dict(json.loads(row.result))


def _after_race(
    session: Session, scope: str, request: Request, exc: IntegrityError
) -> dict[str, Any]:
    """A concurrent writer won: with the same key, its result is ours; otherwise the unique
    row we collided with belongs to another request, which is a conflict, not a fault."""
    prior = _remembered(session, scope, request)
    if prior is not None:
        return prior
    raise Conflict(
        "与同时进行的另一请求冲突，请重试 (conflicts with a concurrent request)"
    ) from exc
