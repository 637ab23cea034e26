"""The benchmark's panel: set up through the fair's own actions before any server starts.

A live panel under post-moderation (questions are public at once), one asker's
questions, one for each voter, and the voters' logins. The scene is written to
a JSON file the voters read: where to connect, the cookie of each voter, the
question each one votes on. The bare peers get a scene of the same shape with
made-up ids (they keep no accounts).
"""

from __future__ import annotations

import asyncio
import math
from datetime import timedelta
from typing import Any

from argon2 import profiles

from fair.core.accounts import passwords
from fair.core.accounts.actions import log_in, register
from fair.core.accounts.inputs import Credentials, Registration
from fair.core.accounts.queries import viewer_for
from fair.core.accounts.roles import Role
from fair.core.db import Database, create_engine
from fair.core.security import LOGIN_COOKIE
from fair.core.tables import utcnow
from fair.qa import actions
from fair.qa.inputs import Ask, PanelCreation, PanelStateInput
from fair.qa.rules import Moderation, PanelState
from fair.qa.setup import create_panel

PASSWORD = "fan-out benchmark"
VOTES_PER_MINUTE = 40  # under the fair's limit of 60 votes a minute per person, with margin
PEER_PANEL = 1
STAGING = 16  # accounts registered at once


def voters_needed(rate: float) -> int:
    """Enough voters that none casts more than VOTES_PER_MINUTE at this rate."""
    return max(4, math.ceil(rate * 60 / VOTES_PER_MINUTE))


async def _account(db: Database, role: Role, name: str, gate: asyncio.Semaphore) -> tuple[str, Any]:
    async with gate:
        return await _registered(db, role, name)


async def _registered(db: Database, role: Role, name: str) -> tuple[str, Any]:
    email = f"{name}@bench.invalid"
    form = Registration(
        display_name=name, email=email, password=PASSWORD, country="SN", organisation="Bench"
    )
    await register(db, form, role=role)
    token, _ = await log_in(db, Credentials(email=email, password=PASSWORD))
    return token, await viewer_for(db, token, f"bench-{name}")


async def stage(database_url: str, voters: int, questions: int = 0) -> dict[str, Any]:
    """A live panel with `questions` questions (0: one per voter); its channel, and each voter's
    login and the question it votes on (voter i: question i mod Q)."""
    # The scene's passwords are never typed: hash them with argon2's cheapest parameters.
    passwords.use_parameters(profiles.CHEAPEST)
    asked = questions or voters
    db = Database(create_engine(database_url))
    try:
        gate = asyncio.Semaphore(STAGING)
        people = await asyncio.gather(
            _account(db, Role.ORGANISER, "organiser", gate),
            _account(db, Role.PARTICIPANT, "asker", gate),
            *(_account(db, Role.PARTICIPANT, f"voter{n}", gate) for n in range(voters)),
        )
        (_, organiser), (_, asker), *voting = people
        starts = utcnow() - timedelta(minutes=5)
        panel = await create_panel(
            db,
            organiser,
            PanelCreation(
                title="Remittances at scale",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                moderation=Moderation.POST,
            ),
        )
        await actions.change_panel_state(
            db, organiser, PanelStateInput(panel_id=panel.id, state=PanelState.LIVE)
        )
        ids = [
            (
                await actions.ask_question(
                    db, asker, Ask(panel_id=panel.id, text=f"Question {n} for the panel?")
                )
            ).id
            for n in range(asked)
        ]
    finally:
        await db.dispose()
    return {
        "channel": f"qa:{panel.id}",
        "voters": [
            {"cookie": f"{LOGIN_COOKIE}={token}", "question_id": ids[n % asked]}
            for n, (token, _) in enumerate(voting)
        ],
    }


def peer_scene(voters: int, questions: int = 0) -> dict[str, Any]:
    """The same shape for a bare peer: panel 1, questions 1..Q, no logins."""
    asked = questions or voters
    return {
        "channel": f"qa:{PEER_PANEL}",
        "voters": [{"cookie": "", "question_id": n % asked + 1} for n in range(voters)],
    }
