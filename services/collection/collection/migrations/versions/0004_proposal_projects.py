"""proposal projects: the project a proposal became and its latest progress

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:20:09.149297
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposal_projects",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("project_id", sa.String(length=34), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("progress_percent", sa.String(length=8), nullable=True),
        sa.Column("standing", sa.String(length=10), nullable=True),
        sa.Column("progress_as_of", sa.String(length=10), nullable=True),
        sa.Column("progress_reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_projects_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_proposal_projects")),
    )


def downgrade() -> None:
    op.drop_table("proposal_projects")
