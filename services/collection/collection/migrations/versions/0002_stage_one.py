"""stage 1: supporters, attachments, screenings, library, settings, draft lists, rounds,
candidate lists; proposals gain year, merge, matter and outcome columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:04:50.314800
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "area_settings",
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("rounds", sa.SmallInteger(), nullable=False),
        sa.Column("differential_ratio_permille", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_area_settings")),
    )
    op.create_table(
        "draft_lists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("rounds_planned", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcomes_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_lists")),
    )
    with op.batch_alter_table("draft_lists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draft_lists_area_code"), ["area_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_draft_lists_area_path"), ["area_path"], unique=False)

    op.create_table(
        "candidate_lists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("draft_list_id", sa.String(length=36), nullable=False),
        sa.Column("version_number", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seats", sa.SmallInteger(), nullable=False),
        sa.Column("differential_ratio_permille", sa.Integer(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("frozen_by", sa.String(length=64), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("results_session_id", sa.String(length=64), nullable=True),
        sa.Column("results_digest", sa.String(length=128), nullable=True),
        sa.Column("results_announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_list_id"],
            ["draft_lists.id"],
            name=op.f("fk_candidate_lists_draft_list_id_draft_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_lists")),
        sa.UniqueConstraint("draft_list_id", name="uq_candidate_lists_draft_list_id"),
    )
    with op.batch_alter_table("candidate_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_lists_area_code"), ["area_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_candidate_lists_area_path"), ["area_path"], unique=False
        )

    op.create_table(
        "draft_list_rounds",
        sa.Column("draft_list_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_list_id"],
            ["draft_lists.id"],
            name=op.f("fk_draft_list_rounds_draft_list_id_draft_lists"),
        ),
        sa.PrimaryKeyConstraint("draft_list_id", "number", name=op.f("pk_draft_list_rounds")),
    )
    op.create_table(
        "draft_list_versions",
        sa.Column("draft_list_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_list_id"],
            ["draft_lists.id"],
            name=op.f("fk_draft_list_versions_draft_list_id_draft_lists"),
        ),
        sa.PrimaryKeyConstraint("draft_list_id", "number", name=op.f("pk_draft_list_versions")),
    )
    op.create_table(
        "round_comments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("draft_list_id", sa.String(length=36), nullable=False),
        sa.Column("round_number", sa.SmallInteger(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_list_id"],
            ["draft_lists.id"],
            name=op.f("fk_round_comments_draft_list_id_draft_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_comments")),
    )
    with op.batch_alter_table("round_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_comments_draft_list_id"), ["draft_list_id"], unique=False
        )

    op.create_table(
        "library_items",
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("area_path", sa.String(length=80), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("estimated_cost_fen", sa.BigInteger(), nullable=True),
        sa.Column("lead_department", sa.String(length=100), nullable=True),
        sa.Column("beneficiaries", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_library_items_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("proposal_id", name=op.f("pk_library_items")),
    )
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_library_items_area_path"), ["area_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_items_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_library_items_year"), ["year"], unique=False)

    op.create_table(
        "proposal_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_uri", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_attachments_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_attachments")),
    )
    with op.batch_alter_table("proposal_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_attachments_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "proposal_supporters",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=24), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("merged_from_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_supporters_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_supporters")),
    )
    with op.batch_alter_table("proposal_supporters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_supporters_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "screenings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("proposal_id", sa.String(length=36), nullable=False),
        sa.Column("screener_id", sa.String(length=64), nullable=False),
        sa.Column("public_benefit", sa.SmallInteger(), nullable=False),
        sa.Column("inclusive", sa.SmallInteger(), nullable=False),
        sa.Column("urgency", sa.SmallInteger(), nullable=False),
        sa.Column("assessable", sa.SmallInteger(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_screenings_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screenings_proposal_id"), ["proposal_id"], unique=False
        )

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("department_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("source_matter_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("outcome_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("outcome_published_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("shingles", sa.Text(), nullable=True))
        # A proposal from a petition matter may come while its area has no notice at all.
        batch_op.alter_column("notice_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_proposals_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_proposals_year"), ["year"], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_proposals_source_matter_id"), ["source_matter_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_proposals_merged_into_id_proposals"),
            "proposals",
            ["merged_into_id"],
            ["id"],
        )

    # Proposals submitted before this revision take their year from their notice.
    op.execute(
        "UPDATE proposals SET year = "
        "(SELECT notices.year FROM notices WHERE notices.id = proposals.notice_id)"
    )


def downgrade() -> None:

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_proposals_merged_into_id_proposals"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_proposals_source_matter_id"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_proposals_year"))
        batch_op.drop_index(batch_op.f("ix_proposals_merged_into_id"))
        # Fails while proposals without a notice exist: 0001 cannot hold them.
        batch_op.alter_column("notice_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.drop_column("shingles")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("outcome_published_at")
        batch_op.drop_column("outcome_reason")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("source_matter_id")
        batch_op.drop_column("department_name")
        batch_op.drop_column("year")

    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screenings_proposal_id"))

    op.drop_table("screenings")
    with op.batch_alter_table("proposal_supporters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_supporters_proposal_id"))

    op.drop_table("proposal_supporters")
    with op.batch_alter_table("proposal_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_attachments_proposal_id"))

    op.drop_table("proposal_attachments")
    with op.batch_alter_table("library_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_items_year"))
        batch_op.drop_index(batch_op.f("ix_library_items_category"))
        batch_op.drop_index(batch_op.f("ix_library_items_area_path"))

    op.drop_table("library_items")
    with op.batch_alter_table("round_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_comments_draft_list_id"))

    op.drop_table("round_comments")
    op.drop_table("draft_list_versions")
    op.drop_table("draft_list_rounds")
    with op.batch_alter_table("candidate_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_lists_area_path"))
        batch_op.drop_index(batch_op.f("ix_candidate_lists_area_code"))

    op.drop_table("candidate_lists")
    with op.batch_alter_table("draft_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draft_lists_area_path"))
        batch_op.drop_index(batch_op.f("ix_draft_lists_area_code"))

    op.drop_table("draft_lists")
    op.drop_table("area_settings")
