"""Loads the demo discussions from config/demo/discussions/discussions.toml: one theme, two
discussions, the first in three rounds (synthesised with citations; open with a Q&A carry-over,
posts, stances, reactions, a quote, a post citing a booth and a panel, a focal point's
offline-group post and a pinned thread; planned); then moderation: a reported post waiting in
the review queue and a post hidden with a reason. Round times are set around the moment the
demo is loaded."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from discussions import reports
from discussions.actions import (
    carry_over,
    moderation,
    people,
    posts,
    reactions,
    setup,
    synthesis,
    threads,
)
from discussions.inputs import (
    CarryOver,
    DiscussionCreation,
    FocalPointInput,
    Moderation,
    Posting,
    ReactionToggle,
    RoundCreation,
    RoundRef,
    StanceInput,
    SynthesisDraft,
    ThemeCreation,
    ThreadPin,
)
from discussions.models import Contribution, Discussion, Round, Theme
from discussions.rules import ReactionKind, RoundState, StanceKind
from fair.core.accounts.demo import demo_viewer
from fair.core.accounts.viewers import SYSTEM
from fair.core.db import Database
from fair.core.reports import actions as report_actions
from fair.core.reports.inputs import ReportInput
from fair.core.reports.rules import Reason
from fair.core.settings import Settings
from fair.core.tables import utcnow
from fair.qa import public as qa


async def load_demo(db: Database, demo_dir: Path, settings: Settings) -> list[str]:
    path = demo_dir / "discussions" / "discussions.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    async with db.reading() as session:
        existing = set(await session.scalars(select(Theme.slug)))
    created = 0
    for entry in data["themes"]:
        if entry["slug"] not in existing:
            await _load_theme(db, entry, settings)
            created += 1
    moderated = 0
    for entry in data.get("moderation", []):
        moderated += await _load_moderation(db, entry)
    return [
        f"Discussions: {len(data['themes'])} demo themes ({created} new)",
        f"Discussions: {moderated} new demo posts under moderation",
    ]


async def _load_moderation(db: Database, entry: dict[str, Any]) -> int:
    """A post in the discussion's open round, reported, and hidden if the entry says so; once
    (a post with the same body is not posted again). 1 if it was made now."""
    async with db.reading() as session:
        if await session.scalar(select(Contribution.id).where(Contribution.body == entry["body"])):
            return 0
        round_id = await session.scalar(
            select(Round.id)
            .join(Discussion, Discussion.id == Round.discussion_id)
            .where(Discussion.slug == entry["discussion"], Round.state == RoundState.OPEN.value)
        )
    if round_id is None:
        return 0
    posted = await posts.post_contribution(
        db, await demo_viewer(db, entry["author"]), Posting(round_id=round_id, body=entry["body"])
    )
    if "hidden_by" in entry:
        # Hidden first: the reports that follow join the handled item, not the open queue.
        await moderation.hide_contribution(
            db,
            await demo_viewer(db, entry["hidden_by"]),
            Moderation(contribution_id=posted.id, reason=entry["hidden_reason"]),
        )
    kinds = {reports.POSTS.kind: reports.POSTS}
    for email, reason in entry.get("reports", []):
        await report_actions.report_content(
            db,
            kinds,
            await demo_viewer(db, email),
            ReportInput(kind=reports.POSTS.kind, content_id=posted.id, reason=Reason(reason)),
        )
    return 1


async def _load_theme(db: Database, entry: dict[str, Any], settings: Settings) -> None:
    theme = await setup.create_theme(
        db,
        SYSTEM,
        ThemeCreation(name=entry["name"], slug=entry["slug"], introduction=entry["introduction"]),
    )
    for item in entry.get("discussions", []):
        discussion = await setup.create_discussion(
            db,
            SYSTEM,
            DiscussionCreation(
                theme_id=theme.id,
                title=item["title"],
                slug=item["slug"],
                introduction=item.get("introduction", ""),
                moderators=item.get("moderators", []),
            ),
        )
        for email in item.get("focal_points", []):
            await people.set_focal_point(
                db, SYSTEM, FocalPointInput(discussion_id=discussion.id, email=email)
            )
        posted: dict[str, int] = {}
        for round_entry in item.get("rounds", []):
            await _load_round(db, discussion.id, round_entry, _Posting(settings, posted))


@dataclass(frozen=True)
class _Posting:
    """What posts of one discussion share: the fair's address (for pasted links, written
    `{base_url}` in the data) and the posts so far by body, for quotes (`quote`: the start of
    the quoted post's body)."""

    settings: Settings
    posted: dict[str, int]


async def _load_round(
    db: Database, discussion_id: int, entry: dict[str, Any], posting: _Posting
) -> None:
    today = utcnow().replace(minute=0, second=0, microsecond=0)
    round_ = await setup.add_round(
        db,
        SYSTEM,
        RoundCreation(
            discussion_id=discussion_id,
            question=entry["question"],
            opens_at=today + timedelta(days=entry["opens_days"]),
            closes_at=today + timedelta(days=entry["closes_days"]),
        ),
    )
    target = RoundState(entry["state"])
    if target is RoundState.PLANNED:
        return
    await setup.open_round(db, SYSTEM, RoundRef(round_id=round_.id))
    if "carry_over" in entry:
        await _carry_over(db, round_.id, entry["carry_over"])
    posted: list[int] = []
    for post in entry.get("posts", []):
        root = await _post(db, round_.id, post, None, posting)
        posted.append(root)
        for reply in post.get("replies", []):
            posted.append(await _post(db, round_.id, reply, root, posting))
    if target is RoundState.CLOSED:
        await setup.close_round(db, SYSTEM, RoundRef(round_id=round_.id))
        if "synthesis" in entry:
            await _synthesise(db, round_.id, entry["synthesis"], posted)


async def _synthesise(
    db: Database, round_id: int, entry: dict[str, Any], posted: list[int]
) -> None:
    """The round's moderator writes and publishes its synthesis; `[[post:N]]` in the demo's
    text cites the round's N-th post."""
    author = await demo_viewer(db, entry["author"])
    body = re.sub(
        r"\[\[post:(\d+)\]\]", lambda m: f"[[{posted[int(m.group(1)) - 1]}]]", entry["body"]
    )
    cited = [posted[n - 1] for n in entry.get("cite", [])]
    await synthesis.save_synthesis(
        db, author, SynthesisDraft(round_id=round_id, body=body, cited_ids=cited)
    )
    await synthesis.publish_synthesis(db, author, RoundRef(round_id=round_id))


async def _carry_over(db: Database, round_id: int, entry: dict[str, Any]) -> None:
    """The round's moderator carries the top unanswered questions of a closed demo panel."""
    async with db.reading() as session:
        panel = (await qa.panels_by_slug(session, [entry["panel"]])).get(entry["panel"])
        questions = (
            []
            if panel is None
            else await qa.unanswered_questions(session, panel.id, limit=entry["top"])
        )
    if panel is None or not questions:
        return
    await carry_over.carry_over(
        db,
        await demo_viewer(db, entry["by"]),
        CarryOver(round_id=round_id, panel_id=panel.id, question_ids=[q.id for q in questions]),
    )


async def _post(
    db: Database, round_id: int, entry: dict[str, Any], reply_to: int | None, posting: _Posting
) -> int:
    author = await demo_viewer(db, entry["author"])
    body = entry["body"].replace("{base_url}", posting.settings.base_url.rstrip("/"))
    quote = entry.get("quote")
    quote_id = (
        next((i for b, i in posting.posted.items() if b.startswith(quote)), None) if quote else None
    )
    posted = await posts.post_contribution(
        db,
        author,
        Posting(
            round_id=round_id,
            body=body,
            reply_to_id=reply_to,
            quote_id=quote_id,
            group_name=entry.get("group"),
            group_size=entry.get("group_size"),
        ),
        origins=frozenset(origin.lower() for origin in posting.settings.origins),
    )
    posting.posted[body] = posted.id
    if entry.get("pinned"):
        await threads.pin_thread(db, SYSTEM, ThreadPin(thread_id=posted.id))
    for email, stance in entry.get("stances", []):
        await posts.set_stance(
            db,
            await demo_viewer(db, email),
            StanceInput(contribution_id=posted.id, stance=StanceKind(stance)),
        )
    for email, kind in entry.get("reactions", []):
        await reactions.toggle_reaction(
            db,
            await demo_viewer(db, email),
            ReactionToggle(contribution_id=posted.id, kind=ReactionKind(kind)),
        )
    return posted.id
