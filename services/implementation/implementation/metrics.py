"""The implementation service's business metrics (ARCHITECTURE §9), declared once, here.

Labels are bounded (level, cadence, standing); never per project or per department.
"""

from servicekit.metrics import for_service

METRICS = for_service("implementation")

PROJECTS_CREATED = METRICS.counter(
    "implementation_projects_created_total",
    "Livelihood projects created from announced results (民生实事项目立项).",
    [],
)
REPORTS = METRICS.counter(
    "implementation_reports_total",
    "Scheduling reports received, by cadence and the standing they gave (ahead/on_track/lagging).",
    ["cadence", "standing"],
)
PROJECTS_FLAGGED = METRICS.counter(
    "implementation_projects_flagged_total",
    "Projects put under flagged supervision (挂牌督办) after lagging N reports in a row.",
    [],
)
PLAN_VERSIONS = METRICS.counter(
    "implementation_plan_versions_total",
    "Task plan versions written (the first plan and every change).",
    [],
)
CALENDAR_KNOWN_THROUGH = METRICS.gauge(
    "implementation_calendar_known_through_year",
    "The last year whose working days are known (bundled data or the override table).",
    [],
)
CALENDAR_REFUSALS = METRICS.counter(
    "implementation_calendar_refusals_total",
    "Deadlines not computed because the year's holiday schedule is unknown (enter it).",
    ["year"],
)
REMINDERS = METRICS.counter(
    "implementation_reminders_total",
    "Reminder steps sent (温馨提示 → 限期督促 → 专报通报), by what is overdue and the step.",
    ["kind", "step"],
)
PROJECTS_COMPLETED = METRICS.counter(
    "implementation_projects_completed_total",
    "Projects that passed acceptance (验收合格).",
    [],
)
BUDGET_VERSIONS = METRICS.counter(
    "implementation_budget_versions_total",
    "Project budget versions written (the first budget and every adjustment, 调整预算).",
    [],
)
FUND_FLOWS = METRICS.counter(
    "implementation_fund_flows_total",
    "Disbursements (拨付) and payments (支付) recorded, by kind.",
    ["kind"],
)
WARNINGS_RAISED = METRICS.counter(
    "implementation_fund_warnings_raised_total",
    "Fund warnings raised (资金预警), by rule kind and severity.",
    ["kind", "severity"],
)
WARNINGS_OPEN = METRICS.gauge(
    "implementation_fund_warnings_open",
    "Fund warnings open after the latest whole-city evaluation, by rule kind.",
    ["kind"],
)
PROJECTS_BY_STATUS = METRICS.gauge(
    "implementation_projects",
    "Projects of the current year by status (立项 · 已制定方案 · 实施中 · 已验收 · 结转).",
    ["status"],
)
PROJECTS_LAGGING = METRICS.gauge(
    "implementation_projects_lagging",
    "Projects of the current year lagging 序时进度 (慢序时项目), not yet completed.",
    [],
)
PROBLEMS_OVERDUE = METRICS.gauge(
    "implementation_problems_overdue",
    "Problems of the current year past their due date and not resolved.",
    [],
)
COMPLETION_RATE = METRICS.gauge(
    "implementation_completion_ratio",
    "Same-year completion of the current year's projects (completed / projects, 0–1).",
    [],
)
TREASURY_PAYMENTS = METRICS.counter(
    "implementation_treasury_payments_imported_total",
    "Treasury payments (国库集中支付) stored from imported files: new payment ids only.",
    [],
)
RECONCILIATIONS = METRICS.counter(
    "implementation_reconciliations_total",
    "Reconciliations of treasury payments against disbursements (对账), clean or with findings.",
    ["outcome"],
)
FEED_ATTEMPTS = METRICS.counter(
    "implementation_feed_attempts_total",
    "Budget feed pushes (预算联网监督推送), by record kind and outcome: delivered, failed (to be "
    "retried with backoff) or dead (given up: requeue by hand).",
    ["kind", "outcome"],
)
FEED_RECORDS = METRICS.scraped_gauge(
    "implementation_feed_records",
    "Budget feed records waiting (pending) or given up (dead), read from the database at scrape.",
    ["state"],
)
FEED_OLDEST_PENDING = METRICS.scraped_gauge(
    "implementation_feed_oldest_pending_age_seconds",
    "Age of the oldest budget feed record not yet delivered (0 when none is pending).",
    [],
)
