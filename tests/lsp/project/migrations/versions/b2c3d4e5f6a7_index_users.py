"""index users — for the naïve search

Revision ID: b2c3d4e5f6a7
Revises: a1f0c2d3e4b5
Create Date: 2026-11-21 10:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "b2c3d4e5f6a7"
down_revision = "a1f0c2d3e4b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_users_email", "users", ["email"])
    op.execute("SELECT 'naïve 😀'; CREATE INDEX ix_users_name ON users (name)")
    op.add_column("users", sa.Column("visits", sa.Integer(), nullable=False))


def downgrade():
    op.drop_column("users", "visits")
    op.drop_index("ix_users_name", table_name="users")
    op.drop_index("ix_users_email", table_name="users")
