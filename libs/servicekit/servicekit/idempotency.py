"""Idempotency keys on creates (ARCHITECTURE §7): a retried submission does not make two.

The key is stored in the service's own database in the same transaction as the created rows, so
"created" and "remembered" cannot diverge. The same key with a different body is a conflict.
"""

import hashlib
import json
from typing import Any

from sqlalchemy import MetaData, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .clock import utcnow
from .errors import Conflict
from .outbox import messaging_tables

KEYS = messaging_tables(MetaData())["idempotency_keys"]
MAX_KEY_LENGTH = 200


def fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(session: Session, scope: str, key: str | None, body: Any) -> dict[str, Any] | None:
    """The result remembered for this key, or None if the key is new (or absent)."""
    if not key:
        return None
    row = session.execute(
        select(KEYS.c.fingerprint, KEYS.c.result).where(KEYS.c.scope == scope, KEYS.c.key == key)
    ).first()
    if row is None:
        return None
    if row.fingerprint != fingerprint(body):
        raise Conflict(
            "该幂等键已用于不同的请求内容 (Idempotency-Key reused with a different body)",
            {"idempotency_key": key},
        )
    return dict(json.loads(row.result))


def commit(
    session: Session, scope: str, key: str | None, body: Any, result: dict[str, Any]
) -> dict[str, Any]:
    """Commit the caller's transaction, remembering `result` under the key in the same commit."""
    if key:
        session.execute(
            insert(KEYS).values(
                scope=scope,
                key=key,
                fingerprint=fingerprint(body),
                result=json.dumps(result, ensure_ascii=False, default=str),
                created_at=utcnow(),
            )
        )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        prior = replay(session, scope, key, body)  # a concurrent retry with the same key won
        if prior is None:
            raise
        return prior
    return result
