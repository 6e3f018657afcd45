"""round comments: the account that answers each request, and every answer with its author
(append-only; the first answer stays in round_comments.comment for the version still running)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:40:49.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("round_comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_account", sa.String(length=64), nullable=True))
    op.create_table(
        "round_comment_answers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("comment_request_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=True),
        sa.Column("author_name", sa.String(length=64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_request_id"],
            ["round_comments.id"],
            name=op.f("fk_round_comment_answers_comment_request_id_round_comments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_comment_answers")),
    )
    with op.batch_alter_table("round_comment_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_comment_answers_comment_request_id"),
            ["comment_request_id"],
            unique=False,
        )
    _keep_answers_given_so_far()


def _keep_answers_given_so_far() -> None:
    """An answer written before this revision becomes the first answer, its author unknown.
    It takes its request's id: one such answer per request, and no UUID function in SQL."""
    op.execute(
        "INSERT INTO round_comment_answers"
        " (id, comment_request_id, author_id, author_name, comment, answered_at)"
        " SELECT id, id, NULL, NULL, comment, answered_at FROM round_comments"
        " WHERE comment IS NOT NULL AND answered_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("round_comment_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_comment_answers_comment_request_id"))
    op.drop_table("round_comment_answers")
    with op.batch_alter_table("round_comments", schema=None) as batch_op:
        batch_op.drop_column("recipient_account")
