"""Every event and who consumes it. Names: <noun>_<past participle>_v<N> (STYLE §2.4).

Additive changes keep the version; a breaking change adds _v2 and both are published until
every consumer has moved.
"""

from dataclasses import dataclass

from marshmallow import Schema, fields

from .fields import StrictSchema, area_code, bounded_int, one_of
from .reference import CATEGORIES, CHANNELS, LEVELS, MAX_BENEFICIARIES, MAX_COST_FEN


@dataclass(frozen=True)
class EventSpec:
    source: str  # logical publishing service: its exchange is "<source>.events"
    name: str  # event type with version, the routing key
    schema: type[Schema]

    @property
    def version(self) -> int:
        return int(self.name.rsplit("_v", 1)[1])


@dataclass(frozen=True)
class Subscription:
    """A consumer's durable queue for one event; declared at deploy time, before any publish."""

    event: EventSpec
    consumer: str  # logical consuming service
    handler: str  # method name, handle_<source>_<event>

    @property
    def queue(self) -> str:
        return f"evt-{self.event.source}-{self.event.name}--{self.consumer}.{self.handler}"


class ProposalSubmittedV1(StrictSchema):
    """A proposal entered the collection. Carries no personal data of the submitter."""

    proposal_id = fields.UUID(required=True)
    tracking_code = fields.String(required=True)
    notice_id = fields.UUID(required=True)
    area_code = area_code(required=True)
    level = one_of(LEVELS, required=True)
    channel = one_of(CHANNELS, required=True)
    category = one_of(CATEGORIES, required=True)
    title = fields.String(required=True)
    estimated_cost_fen = bounded_int(0, MAX_COST_FEN, allow_none=True, load_default=None)
    beneficiaries = bounded_int(0, MAX_BENEFICIARIES, allow_none=True, load_default=None)
    submitted_at = fields.AwareDateTime(required=True)


PROPOSAL_SUBMITTED = EventSpec("collection", "proposal_submitted_v1", ProposalSubmittedV1)

EVENTS: dict[str, EventSpec] = {spec.name: spec for spec in (PROPOSAL_SUBMITTED,)}

# Consumers arrive with their issues; the test-only probe consumer subscribes in the tests.
SUBSCRIPTIONS: tuple[Subscription, ...] = ()


def spec_for(event_type: str) -> EventSpec:
    return EVENTS[event_type]
