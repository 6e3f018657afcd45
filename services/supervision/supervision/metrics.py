"""The supervision service's business metrics (ARCHITECTURE §9), declared once, here.

Labels are bounded (level, kind, verdict); never per project, group or person.
"""

from servicekit.metrics import for_service

METRICS = for_service("supervision")

FILES_OPENED = METRICS.counter(
    "supervision_files_opened_total",
    "Supervision files opened for new projects (project_created_v1 applied).",
    [],
)

# Checkpoints (年初 · 年中 · 年底): reports filed, reminders sent, and how many are missing now.
CHECKPOINT_REPORTS = METRICS.counter(
    "supervision_checkpoint_reports_total",
    "Checkpoint reports filed by the groups, by stage and verdict.",
    ["stage", "verdict"],
)
CHECKPOINT_REMINDERS = METRICS.counter(
    "supervision_checkpoint_reminders_total",
    "Reminder steps recorded for missing checkpoint reports, by stage and step.",
    ["stage", "step"],
)
CHECKPOINT_REPORTS_MISSING = METRICS.gauge(
    "supervision_checkpoint_reports_missing",
    "Checkpoint reports past their due date and not filed, at the last reminder run, by stage.",
    ["stage"],
)
CHECKPOINT_CALENDAR_REFUSALS = METRICS.counter(
    "supervision_checkpoint_calendar_refusals_total",
    "Reminder runs that skipped a checkpoint whose due year has no known holiday schedule.",
    ["year"],
)
