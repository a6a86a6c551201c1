"""The diary: people, episodes and daily factors.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "episodes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("at_utc", sa.DateTime(), nullable=False),
        sa.Column("utc_offset_s", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("intensity BETWEEN 0 AND 10", name="ck_episodes_intensity"),
        sa.CheckConstraint("kind IN ('twitch', 'spasm')", name="ck_episodes_kind"),
    )
    op.create_index("ix_episodes_user_at", "episodes", ["user_id", "at_utc"])
    op.create_table(
        "days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("caffeine_cups", sa.Float(), nullable=True),
        sa.Column("sleep_hours", sa.Float(), nullable=True),
        sa.Column("stress", sa.Integer(), nullable=True),
        sa.Column("water_glasses", sa.Float(), nullable=True),
        sa.Column("exercise", sa.String(10), nullable=True),
        sa.Column("nicotine", sa.Boolean(), nullable=True),
        sa.Column("alcohol_units", sa.Float(), nullable=True),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("custom", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "date", name="uq_days_user_date"),
    )


def downgrade() -> None:
    op.drop_table("days")
    op.drop_index("ix_episodes_user_at", table_name="episodes")
    op.drop_table("episodes")
    op.drop_table("users")
