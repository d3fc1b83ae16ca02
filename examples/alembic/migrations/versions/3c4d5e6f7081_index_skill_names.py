"""index skill names

Revision ID: 3c4d5e6f7081
Revises: 2b3c4d5e6f70
Create Date: 2026-03-23 14:30:00

"""
from alembic import op

revision = "3c4d5e6f7081"
down_revision = "2b3c4d5e6f70"
branch_labels = None
depends_on = None


def upgrade():
    # Unsafe: Alembic runs this inside a transaction, and PostgreSQL refuses
    # CREATE INDEX CONCURRENTLY there. Wrap it in op.get_context().autocommit_block().
    op.execute("CREATE INDEX CONCURRENTLY ix_skills_name ON skills (name)")


def downgrade():
    # Unsafe: a plain DROP INDEX locks the busy table.
    op.drop_index("ix_skills_name", table_name="skills")
