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
