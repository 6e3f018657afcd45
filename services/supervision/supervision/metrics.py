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
