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


def count_entry(side: str, level: str, lines: int = 1) -> None:
    if lines:
        FILE_ENTRIES.inc(level, lines, side=side)


# State, not events: read from the database at scrape time (supervision.groups_gauges).
PROJECTS_WITHOUT_GROUP = METRICS.scraped_gauge(
    "supervision_projects_without_group",
    "Projects no supervision group watches yet (every project needs one).",
)
