"""Stage 3 (人大评 · 监督): the supervision service's RPC names and schemas.

The service keeps its own copy of each project (from implementation's events) and a file per
project: a timeline of the government's facts and the supervisors' acts. Each part's names and
schemas live in their own module (`supervision_<part>`); `SupervisionRpc` gathers them, so the
contract test sees every entrypoint.

A project's public code is derived from its id — the level letter and ten characters — so a site
sign's QR code, printed once, always opens the same page, and the gateway routes it to its level.
"""

import hashlib
import re

from marshmallow import fields

from .fields import StrictSchema
from .reference import CROCKFORD_ALPHABET, level_of_tracking_code
from .supervision_checkpoints import CheckpointsRpc
from .supervision_evaluation import EvaluationRpc
from .supervision_groups import GroupsRpc
from .supervision_inspections import InspectionsRpc
from .supervision_public import PublicRpc

SUPERVISION = "supervision"

CODE_ALPHABET = CROCKFORD_ALPHABET  # a code read off a sign and typed is rarely mistyped
PUBLIC_CODE_PATTERN = r"^[CBT][0-9A-HJKMNP-TV-Z]{10}$"


def public_code_for(project_id: str) -> str:
    """A project's public code: its level letter and 50 bits of sha256 of its id."""
    number = int.from_bytes(hashlib.sha256(project_id.encode()).digest()[:8], "big") >> 14
    chars = []
    for _ in range(10):
        number, digit = divmod(number, 32)
        chars.append(CODE_ALPHABET[digit])
    return project_id[0] + "".join(reversed(chars))


def public_code_level(code: str) -> str | None:
    """The level a public code names, or None for a malformed code (lower case accepted)."""
    if not isinstance(code, str) or not re.fullmatch(PUBLIC_CODE_PATTERN, code.upper()):
        return None
    return level_of_tracking_code(code.upper())


class SupervisionRpc(GroupsRpc, CheckpointsRpc, InspectionsRpc, PublicRpc, EvaluationRpc):
    """Every RPC method of the supervision service (each part's names: its `…Rpc`)."""

    get_status = "get_status"


class SupervisionStatus(StrictSchema):  # OpenAPI names components by class: unique
    service = fields.String(required=True)
    events_processed = fields.Integer(required=True)
