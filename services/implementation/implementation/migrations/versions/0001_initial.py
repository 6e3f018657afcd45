"""initial

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03 10:47:49.107847
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "area_settings",
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("tolerance_points", sa.Integer(), nullable=False),
        sa.Column("flag_after_lagging", sa.Integer(), nullable=False),
        sa.Column("close_threshold", sa.String(length=20), nullable=True),
        sa.Column("due_working_days", sa.Text(), nullable=True),
        sa.Column("reminder_steps", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_area_settings")),
    )
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("document_ref", sa.String(length=200), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(length=50), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("project_ids", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("problem_ids", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_area_path"), ["area_path"], unique=False)

    op.create_table(
        "outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("event_type", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("handler", sa.String(length=120), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "handler", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=34), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("estimated_cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("suggested_department", sa.String(length=100), nullable=True),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=34), nullable=False),
        sa.Column("candidate_list_id", sa.String(length=36), nullable=False),
        sa.Column("results_digest", sa.String(length=64), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approve", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("lead_department", sa.String(length=100), nullable=True),
        sa.Column("shares", sa.Text(), nullable=False),
        sa.Column("actual", sa.String(length=40), nullable=False),
        sa.Column("planned", sa.String(length=40), nullable=True),
        sa.Column("standing", sa.String(length=10), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("lagging_streak", sa.Integer(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carried_over_to", sa.Integer(), nullable=True),
        sa.Column("carry_reason", sa.String(length=500), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("session_id", "proposal_id", name=op.f("uq_projects_session_id")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projects_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_year"), ["year"], unique=False)

    op.create_table(
        "acceptances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("accepting_body", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_acceptances_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acceptances")),
    )
    with op.batch_alter_table("acceptances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_acceptances_project_id"), ["project_id"], unique=False)

    op.create_table(
        "plan_versions",
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_plan_versions_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("project_id", "version", name=op.f("pk_plan_versions")),
    )
    op.create_table(
        "problems",
        sa.Column("id", sa.String(length=34), nullable=False),
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=100), nullable=False),
        sa.Column("responsible_person", sa.String(length=50), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_problems_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
        sa.UniqueConstraint("source", "source_ref", name=op.f("uq_problems_source")),
    )
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_problems_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_problems_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_problems_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_problems_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_problems_state"), ["state"], unique=False)

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("overdue_working_days", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_reminders_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("kind", "target", "step", name=op.f("uq_reminders_kind")),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminders_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminders_project_id"), ["project_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("cadence", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Text(), nullable=False),
        sa.Column("actual", sa.String(length=40), nullable=False),
        sa.Column("planned", sa.String(length=40), nullable=False),
        sa.Column("standing", sa.String(length=10), nullable=False),
        sa.Column("flagged_now", sa.Boolean(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("problems_met", sa.Text(), nullable=False),
        sa.Column("attachments", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.String(length=64), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_reports_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("project_id", "cadence", "period", name=op.f("uq_reports_project_id")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_project_id"), ["project_id"], unique=False)

    op.create_table(
        "problem_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("problem_id", sa.String(length=34), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_problem_steps_problem_id_problems")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_steps")),
    )
    with op.batch_alter_table("problem_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_steps_problem_id"), ["problem_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("problem_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_steps_problem_id"))

    op.drop_table("problem_steps")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_project_id"))

    op.drop_table("reports")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminders_project_id"))
        batch_op.drop_index(batch_op.f("ix_reminders_area_code"))

    op.drop_table("reminders")
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problems_state"))
        batch_op.drop_index(batch_op.f("ix_problems_project_id"))
        batch_op.drop_index(batch_op.f("ix_problems_due_date"))
        batch_op.drop_index(batch_op.f("ix_problems_area_path"))
        batch_op.drop_index(batch_op.f("ix_problems_area_code"))

    op.drop_table("problems")
    op.drop_table("plan_versions")
    with op.batch_alter_table("acceptances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_acceptances_project_id"))

    op.drop_table("acceptances")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_year"))
        batch_op.drop_index(batch_op.f("ix_projects_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_projects_area_path"))
        batch_op.drop_index(batch_op.f("ix_projects_area_code"))

    op.drop_table("projects")
    op.drop_table("processed_events")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))

    op.drop_table("outbox")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_area_path"))
        batch_op.drop_index(batch_op.f("ix_meetings_area_code"))

    op.drop_table("meetings")
    op.drop_table("idempotency_keys")
    op.drop_table("calendar_years")
    op.drop_table("calendar_days")
    op.drop_table("area_settings")
