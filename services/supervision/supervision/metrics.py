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
