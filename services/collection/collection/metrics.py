"""The collection service's business metrics (ARCHITECTURE §9), declared once, here.

servicekit.metrics.for_service adds the `minsheng_` namespace and the `service` and `level`
labels, so a call site passes the level and its own labels only:
`PROPOSALS_SUBMITTED.inc(area.level, channel="visit")`.

The names below predate STYLE §2.13's `collection_<noun>_total` and are kept unchanged
(`legacy_name=True`): dashboards, deploy/alerts.yml and tests read them. A new metric of this
service is named `collection_…`.
"""

from servicekit.metrics import for_service

METRICS = for_service("collection")

PROPOSALS_SUBMITTED = METRICS.counter(
    "proposals_submitted_total", "Proposals accepted, by channel.", ["channel"], legacy_name=True
)
PROPOSALS_MERGED = METRICS.counter(
    "proposals_merged_total",
    "Duplicate proposals merged into another one (each source counts once).",
    legacy_name=True,
)
SCREENING_VERDICTS = METRICS.counter(
    "screening_verdicts_total",
    "Screening verdicts recorded (in_library, rejected, needs_info).",
    ["verdict"],
    legacy_name=True,
)
ROUNDS_OPENED = METRICS.counter(
    "draft_list_rounds_opened_total",
    "Rounds (三上三下) opened on draft lists: a list went down for comment.",
    legacy_name=True,
)
ROUNDS_CLOSED = METRICS.counter(
    "draft_list_rounds_closed_total",
    "Rounds closed with a new immutable version (rounds open now: minsheng_open_rounds).",
    legacy_name=True,
)
LISTS_FROZEN = METRICS.counter(
    "candidate_lists_frozen_total", "Candidate lists frozen for a vote.", legacy_name=True
)
# State, not events: read from the database at scrape time (collection.gauges).
OPEN_ROUNDS = METRICS.scraped_gauge(
    "open_rounds",
    "三上三下 rounds sent down for comment and not yet brought back up.",
    legacy_name=True,
)
