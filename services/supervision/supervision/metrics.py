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

# Public supervision (码上监督, 社会监督员): counts by category, state and source only, never a
# project, a person or anything a resident wrote.
FEEDBACK_SUBMITTED = METRICS.counter(
    "supervision_feedback_total",
    "Public feedback submitted through a project's code, by category.",
    ["category"],
)
FEEDBACK_MODERATED = METRICS.counter(
    "supervision_feedback_moderated_total",
    "Public feedback moderated by congress staff, by category and the state it moved to.",
    ["category", "state"],
)
OBSERVATIONS_RECORDED = METRICS.counter(
    "supervision_observations_total",
    "Social supervisors' observations recorded, by category.",
    ["category"],
)
PUBLIC_FINDINGS = METRICS.counter(
    "supervision_public_findings_total",
    "Findings raised from public feedback or observations, by source.",
    ["source"],
)

# ---- groups and the file (the groups part) -------------------------------------------------
GROUPS_FORMED = METRICS.counter(
    "supervision_groups_formed_total",
    "Supervision groups formed by congress staff.",
    [],
)
FILE_ENTRIES = METRICS.counter(
    "supervision_file_entries_total",
    "Lines written in projects' supervision files, by side (government, supervision, public).",
    ["side"],
)
FACTS_PENDING = METRICS.counter(
    "supervision_facts_pending_total",
    "Implementation facts kept until their project's file opens (they arrived first).",
    [],
)
# State, not events: read from the database at scrape time (supervision.groups_gauges).
PROJECTS_WITHOUT_GROUP = METRICS.scraped_gauge(
    "supervision_projects_without_group",
    "Projects no supervision group watches yet (every project needs one).",
)


def count_entry(side: str, level: str, lines: int = 1) -> None:
    if lines:
        FILE_ENTRIES.inc(level, lines, side=side)


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

# Inspections, findings, rectification and look-back (use_cases.inspections and after).
INSPECTIONS_RECORDED = METRICS.counter(
    "supervision_inspections_recorded_total",
    "Inspections and the standing committee's other forms recorded, by kind.",
    ["kind"],
)
FINDINGS_RAISED = METRICS.counter(
    "supervision_findings_raised_total",
    "Findings raised by inspections and directly on projects, by source.",
    ["source"],
)
RECTIFICATIONS_REQUESTED = METRICS.counter(
    "supervision_rectifications_requested_total",
    "Rectification requests (交办) published, first rounds and reopened rounds.",
    ["round"],
)
LOOKBACKS = METRICS.counter(
    "supervision_lookbacks_total",
    "Look-backs (回头看) by outcome (rectified, partly, not_rectified).",
    ["outcome"],
)
ESCALATIONS = METRICS.counter(
    "supervision_rectifications_escalated_total",
    "Rectification requests escalated to the chairpersons' meeting after the last round.",
    [],
)

# Evaluation (绩效评价 · 满意度测评)
EVALUATIONS_RECORDED = METRICS.counter(
    "supervision_evaluations_recorded_total",
    "Evaluations and pre-evaluations recorded, by kind and grade.",
    ["kind", "grade"],
)
SATISFACTION_VOTES = METRICS.counter(
    "supervision_satisfaction_votes_total",
    "Satisfaction votes requested of voting and completed (results applied), by step.",
    ["step"],
)
SATISFACTION_GRADES = METRICS.counter(
    "supervision_satisfaction_grades_total",
    "Projects graded by the deputies' satisfaction vote, by grade (none: no valid ballot).",
    ["grade"],
)
