"""The voting service's business metrics (ARCHITECTURE §9), declared once, here.

servicekit.metrics.for_service adds the `minsheng_` namespace and the `service` and `level`
labels, so a call site passes the level and its own labels only:
`BALLOTS_CAST.inc(row.level, medium="paper")`. Never per sitting or per deputy: labels are
bounded, and a count per sitting would tell who voted when.

`voting_session_steps_total` already follows STYLE §2.13 (`voting_<noun>_total`); the two
ballot counters predate it and keep their names (`legacy_name=True`), since dashboards,
deploy/alerts.yml and tests read them. A new metric of this service is named `voting_…`.
"""

from servicekit.metrics import for_service

METRICS = for_service("voting")

BALLOTS_CAST = METRICS.counter(
    "ballots_cast_total",
    "Ballots put in the box: electronic casts and paper sheets entered (never per session).",
    ["medium"],
    legacy_name=True,
)
CAST_REFUSALS = METRICS.counter(
    "ballot_cast_refusals_total",
    "Casts refused, by reason (unknown_token, spent, wrong_session, sealed, not_open, invalid).",
    ["reason"],
    legacy_name=True,
)
SESSION_STEPS = METRICS.counter(
    "voting_session_steps_total",
    "Session state changes, by the state reached (open, closed, tallied, announced, …).",
    ["state"],
)
SATISFACTION_REQUESTS = METRICS.counter(
    "voting_satisfaction_requests_total",
    "Satisfaction votes supervision asked for: sessions created, or requests kept pending "
    "(the area had no adopted rules or no roster yet).",
    ["outcome"],
)
