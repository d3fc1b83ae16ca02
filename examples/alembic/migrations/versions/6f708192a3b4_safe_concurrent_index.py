"""index skill tiers, the safe way

Revision ID: 6f708192a3b4
Revises: 5e6f708192a3
Create Date: 2026-03-28 08:00:00

"""
from alembic import op

revision = "6f708192a3b4"
down_revision = "5e6f708192a3"
branch_labels = None
depends_on = None


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_skills_tier", "skills", ["tier"], postgresql_concurrently=True, if_not_exists=True
        )


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_skills_tier", table_name="skills", postgresql_concurrently=True, if_exists=True
        )
