"""The petition service's business metrics (ARCHITECTURE §9), declared once, here.

Labels are bounded (level, channel, tier, stage, step, rating); never a matter, a deputy, a
department, and never anything of a resident.
"""

from servicekit.metrics import for_service

METRICS = for_service("petition")

MATTERS_SUBMITTED = METRICS.counter(
    "petition_matters_submitted_total",
    "Matters received (码上找代表 and the deputies' and stations' own entries), by channel.",
    ["channel"],
)
MATTERS_ACCEPTED = METRICS.counter(
    "petition_matters_accepted_total", "Matters accepted (受理).", []
)
MATTERS_TIERED = METRICS.counter(
    "petition_matters_tiered_total",
    "Tiers chosen (首接代办 · 分流代办 · 联合代办), a climb counted again.",
    ["tier"],
)
MATTERS_ESCALATED = METRICS.counter(
    "petition_matters_escalated_total",
    "Matters reported up (上报), by the level they went to.",
    ["to"],
)
MATTERS_RESOLVED = METRICS.counter(
    "petition_matters_resolved_total",
    "Resolutions recorded (办结), by tier and whether settled locally (就地化解).",
    ["tier", "local"],
)
MATTERS_RATED = METRICS.counter(
    "petition_matters_rated_total",
    "Satisfaction given (满意 · 基本满意 · 不满意), by whom (resident, deputy, phone).",
    ["rating", "by"],
)
MATTERS_REOPENED = METRICS.counter(
    "petition_matters_reopened_total", "Matters reopened after 不满意.", []
)
MATTERS_CONVERTED = METRICS.counter(
    "petition_matters_converted_total", "Matters converted into livelihood proposals.", []
)
MATTERS_URGED = METRICS.counter(
    "petition_matters_urged_total", "催办 sent before a time limit ran out, by stage.", ["stage"]
)
MATTERS_CIRCULATED = METRICS.counter(
    "petition_matters_circulated_total",
    "通报 (and 通报上级) sent after a time limit ran out, by stage and step.",
    ["stage", "step"],
)
OPEN_MATTERS = METRICS.gauge(
    "petition_open_matters",
    "Matters not yet resolved after the latest hourly run, by tier (none: not tiered yet).",
    ["tier"],
)
OVERDUE_MATTERS = METRICS.gauge(
    "petition_overdue_matters",
    "Open matters past their running time limit after the latest hourly run.",
    [],
)
DEPUTIES_IMPORTED = METRICS.counter(
    "petition_deputies_imported_total", "Deputy profiles imported (created or updated).", []
)
CODES_REPLACED = METRICS.counter(
    "petition_codes_replaced_total", "Public codes revoked and replaced, by kind.", ["kind"]
)
CALENDAR_REFUSALS = METRICS.counter(
    "petition_calendar_refusals_total",
    "Time limits not computed because the year's holiday schedule is unknown (enter it).",
    ["year"],
)
POSTS_PUBLISHED = METRICS.counter(
    "petition_duty_posts_published_total", "Duty posts (履职圈) published, by kind.", ["kind"]
)
POSTS_HIDDEN = METRICS.counter(
    "petition_duty_posts_hidden_total", "Duty posts hidden by congress staff (屏蔽).", []
)
# ---- 12345 hotline work orders (use_cases.work_orders*) ---------------------------------------
WORK_ORDERS_RECEIVED = METRICS.counter(
    "petition_work_orders_received_total",
    "12345 work orders received, by source (import, webhook) and outcome (created, updated, "
    "unchanged).",
    ["source", "outcome"],
)
WEBHOOK_REFUSALS = METRICS.counter(
    "petition_work_order_webhook_refusals_total",
    "Webhook deliveries refused, by reason (unsigned, stale, bad_signature, not_configured, "
    "malformed, invalid).",
    ["reason"],
)
WORK_ORDERS_URGED = METRICS.counter(
    "petition_work_orders_urged_total", "催办 recorded by supervising deputies on 12345 orders.", []
)
WORK_ORDERS_SUPERVISED = METRICS.counter(
    "petition_work_orders_supervised_total", "12345 orders taken under a deputy's supervision.", []
)
WORK_ORDERS_RATED = METRICS.counter(
    "petition_work_orders_rated_total", "Deputies' ratings of closed 12345 orders.", ["rating"]
)
HOTLINE_PUSHES = METRICS.counter(
    "petition_hotline_pushes_total",
    "Attempts to file deputies' findings to 12345, by outcome (delivered, failed, dead).",
    ["outcome"],
)
