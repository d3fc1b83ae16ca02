"""backfill tier and make it required

Revision ID: 4d5e6f708192
Revises: 3c4d5e6f7081
Create Date: 2026-03-25 11:00:00

"""
from alembic import op

revision = "4d5e6f708192"
down_revision = "3c4d5e6f7081"
branch_labels = None
depends_on = None


def upgrade():
    # Unsafe: a data change and a schema change in one revision, the update is not
    # batched, and SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock.
    op.execute("UPDATE skills SET tier = 'community' WHERE tier IS NULL")
    op.alter_column("skills", "tier", nullable=False, server_default="community")


def downgrade():
    pass
