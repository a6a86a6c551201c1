"""Warning signs noticed with an episode; an index to sweep expired login sessions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(
            sa.Column("warning_signs", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    op.create_index("ix_login_sessions_expires", "login_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_login_sessions_expires", table_name="login_sessions")
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("warning_signs")
