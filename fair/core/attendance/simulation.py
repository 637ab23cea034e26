"""`fair demo simulate`: made-up days of activity for the demo fair, so the organisers'
dashboard has something to show: people from many countries registering and coming back,
online peaks through the day, and each feature's share (booth visits, panel watchers).

Written as stored rows, like real activity, over the fair's days up to today; a seed gives
the same days again. Simulated accounts have addresses under `simulated.demo.fair` and no
usable password.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from fair.core.accounts.models import User
from fair.core.accounts.roles import Role
from fair.core.attendance.actions import FAIR
from fair.core.attendance.models import Attendance, PresenceSample
from fair.core.contract import SimulateDay, SimulatedDay
from fair.core.db import Database
from fair.core.home.models import FairInfo
from fair.core.tables import utcnow

DOMAIN = "simulated.demo.fair"
COUNTRIES = (
    "SN", "ML", "GH", "NG", "MA", "TN", "CM", "BF", "MX", "CO", "EC", "PH", "MD",
    "IT", "ES", "FR", "BE", "NL", "DE", "US", "IN", "BD", "NP", "KE", "ET", "PE",
)  # fmt: skip
"""Where simulated people come from, the first ones most often."""
NO_PASSWORD = "!simulated"  # noqa: S105 (not a password: a hash nothing matches)
"""Not an argon2 hash: no password matches it."""


def _comes_back(came_before: bool) -> float:
    """How likely someone registered is to come on a later day."""
    return 0.6 if came_before else 0.3


async def simulate(
    db: Database, features: Sequence[SimulateDay], *, people: int = 300, seed: int = 2009
) -> list[str]:
    """Simulate every day of the fair from its first up to today; what was made."""
    rng = random.Random(seed)  # noqa: S311 (made-up demo data, repeatable by its seed)
    async with db.reading() as session:
        info = await session.scalar(select(FairInfo).order_by(FairInfo.id).limit(1))
        made = await session.scalar(
            select(func.count()).select_from(User).where(User.email.like(f"%@{DOMAIN}"))
        )
    if info is None:
        return ["No fair yet: load the demo first (fair demo load)."]
    if made:
        return [f"Already simulated ({made} people); nothing added."]
    zone = ZoneInfo(info.timezone)
    today = utcnow().astimezone(zone).date()
    days = [
        info.starts_on + timedelta(days=n)
        for n in range((min(info.ends_on, today) - info.starts_on).days + 1)
    ]
    if not days:
        return ["The fair has not started yet: nothing to simulate."]
    weights = [1 / (rank + 1) for rank in range(len(COUNTRIES))]
    crowd: list[tuple[int, str, date]] = []
    async with db.transaction() as tx:
        for n in range(people):
            country = rng.choices(COUNTRIES, weights)[0]
            joined = rng.choice(days)
            at = datetime.combine(joined, time(rng.randrange(7, 22), rng.randrange(60)), zone)
            user = User(
                email=f"person{n + 1}@{DOMAIN}",
                display_name=f"Simulated person {n + 1}",
                password_hash=NO_PASSWORD,
                country=country,
                role=Role.PARTICIPANT.value,
                created_at=at,
            )
            tx.session.add(user)
            await tx.session.flush()
            crowd.append((user.id, country, joined))
    came_before: set[int] = set()
    visits = 0
    for day in days:
        start = datetime.combine(day, time(0), zone)
        present = [
            (f"u{user_id}", user_id, country)
            for user_id, country, joined in crowd
            if day == joined
            or (day > joined and rng.random() < (0.6 if user_id in came_before else 0.3))
        ]
        came_before.update(user_id for _key, user_id, _country in present)
        simulated = SimulatedDay(day, start, start + timedelta(days=1), present, rng)
        async with db.transaction() as tx:
            tx.session.add_all(
                Attendance(
                    person=key,
                    place=FAIR,
                    day=day,
                    user_id=user_id,
                    country=country,
                    first_at=start + timedelta(hours=rng.randrange(7, 22)),
                )
                for key, user_id, country in present
            )
            for hour in range(24):
                busy = 1.0 if 9 <= hour <= 18 else 0.2
                tx.session.add(
                    PresenceSample(
                        scope=FAIR,
                        at=start + timedelta(hours=hour),
                        count=round(len(present) * busy * rng.uniform(0.2, 0.5)),
                    )
                )
            for feature_day in features:
                await feature_day(tx, simulated)
        visits += len(present)
    return [
        f"Simulated {people} people over {len(days)} day(s) "
        f"({days[0]} to {days[-1]}): {visits} person-days at the fair."
    ]
