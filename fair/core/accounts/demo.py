"""Loads the demo accounts from config/demo/accounts.toml (one per role, passwords printed).
Their example addresses count as confirmed, so the demo's digests are written too."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select, update

from fair.core.accounts.actions import register
from fair.core.accounts.inputs import Registration
from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.accounts.viewers import Viewer
from fair.core.db import Database
from fair.core.settings import Settings
from fair.core.tables import utcnow


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    data = tomllib.loads((demo_dir / "accounts.toml").read_text(encoding="utf-8"))
    lines = ["Demo accounts (e-mail / password / role):"]
    for account in data["accounts"]:
        role = Role(account.pop("role"))
        form = Registration(**account)
        async with db.reading() as session:
            exists = await session.scalar(select(User.id).where(User.email == form.email))
        if exists is None:
            await register(db, form, role=role)
            async with db.transaction() as tx:
                await tx.session.execute(
                    update(User).where(User.email == form.email).values(email_confirmed_at=utcnow())
                )
        lines.append(f"  {form.email:<32} {form.password:<22} {role.value}")
    return lines


async def demo_viewer(db: Database, email: str) -> Viewer:
    """The demo account `email` as a viewer, for other features' demo loaders to act as."""
    async with db.reading() as session:
        user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        raise RuntimeError(f"demo account {email} is missing: load the accounts demo first")
    return Viewer(
        user_id=user.id,
        role=Role(user.role),
        display_name=user.display_name,
        login_id=None,
        visitor="demo",
    )
