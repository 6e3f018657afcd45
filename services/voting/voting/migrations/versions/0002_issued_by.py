"""the roll: who issued each ballot, a padded token reference for retries and reissues, and
check-ins confirmed by the deputy

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("reissues", sa.SmallInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("issuances", schema=None) as batch_op:
        batch_op.drop_column("reissues")
        batch_op.drop_column("token_ref")
        batch_op.drop_column("issued_by")
