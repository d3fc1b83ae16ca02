"""rename category in one step

Revision ID: 5e6f708192a3
Revises: 4d5e6f708192
Create Date: 2026-03-27 16:45:00

"""
from alembic import op

revision = "5e6f708192a3"
down_revision = "4d5e6f708192"
branch_labels = None
depends_on = None


def upgrade():
    # Unsafe: running code still selects `category`.
    op.alter_column("skills", "category", new_column_name="skill_category")


def downgrade():
    op.alter_column("skills", "skill_category", new_column_name="category")
