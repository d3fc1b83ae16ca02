"""create users

Revision ID: a1f0c2d3e4b5
Revises:
Create Date: 2026-11-20 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "a1f0c2d3e4b5"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
    )


def downgrade():
    op.drop_table("users")
