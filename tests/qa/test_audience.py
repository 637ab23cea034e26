"""The audience test: what the public and each participant hear never holds what they may not see.

A scripted panel (pre-moderation; anonymous and named askers; approvals, rejections, merges,
hides, corrections, backstage notes, answers) is played through the real actions. Every event
recorded on `qa:<id>` or on a participant's own `user:<id>` is then checked against what was
unpublished at the moment it was recorded: no question that had never been public (pending,
rejected, or merged before approval), no wording a moderator corrected before publication, no
backstage note, and no name of someone who asked only anonymously. The same holds for the
frames that real participants' sockets receive, and participants cannot follow the
moderators' or the backstage channels.
"""

from __future__ import annotations

import bisect
import contextlib
import json
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from fair.core.accounts.channels import user_channel
from fair.core.db import Database
from fair.core.errors import Conflict
from fair.core.log import LoggedEvent
from fair.qa import actions, rules
from fair.qa.channels import backstage_channel, moderation_channel, panel_channel
from fair.qa.inputs import (
    Answering,
    AnswerInput,
    Ask,
    Correction,
    Merge,
    Note,
    QuestionHiding,
    Tagging,
    VoteInput,
)
from fair.qa.models import Question
from fair.qa.rules import QuestionState, RejectReason
from fair.qa.rules import QuestionState as QS
from tests.conftest import make_settings
from tests.support.live_client import live_client
from tests.support.qa import (
    Cast,
    Member,
    approve,
    cast,
    collect_until,
    everything_logged,
    heads_of,
    reject,
)
from tests.support.servers import serve

PARTICIPANTS = ("Amina Diallo", "Bilal Haddad", "Chen Wei", "Dara Okafor")
ANONYMOUS_ONLY = ("Bilal Haddad", "Dara Okafor")  # they ask only anonymously
QUESTION_KEYS = {"question_id", "merged_into_id", "answering_id"}


@dataclass(frozen=True)
class Moment:
    """After one step of the script: the last event recorded, and the questions never public."""

    last_event_id: int
    unpublished: frozenset[int]


@dataclass
class Story:
    """The scripted panel as it was played: who asked what, and each moment's secrets."""

    c: Cast
    askers: dict[int, int] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    anonymous: set[int] = field(default_factory=set)
    drafts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    ever_public: set[int] = field(default_factory=set)

    def by_name(self, name: str) -> Member:
        return next(p for p in self.c.participants if p.name == name)

    def moment_of(self, event_id: int) -> Moment:
        """The moment right after the step that recorded event `event_id`."""
        index = bisect.bisect_left([m.last_event_id for m in self.moments], event_id)
        return self.moments[index]

    def owner_of(self, channel: str) -> int | None:
        """0 for the public channel, a participant's id for their own channel, else None."""
        if channel == panel_channel(self.c.panel_id):
            return 0
        for p in self.c.participants:
            if channel == user_channel(p.id):
                return p.id
        return None


def mentioned_questions(value: Any, key: str = "") -> Iterator[int]:
    """The ids of questions a payload names: question views' ids and the *_id fields for them."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name in QUESTION_KEYS and isinstance(item, int):
                yield item
            elif name == "id" and key == "question" and isinstance(item, int):
                yield item
            else:
                yield from mentioned_questions(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from mentioned_questions(item, key)


def question_views(value: Any, key: str = "") -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if key == "question":
            yield value
        for name, item in value.items():
            yield from question_views(item, name)


def leaks(story: Story, channel: str, event_id: int, frame: str) -> list[str]:
    """What the audience of `channel` may not see but this frame (recorded as `event_id`) holds."""
    owner = story.owner_of(channel)
    if owner is None:
        return []
    event = json.loads(frame)
    where = f"{channel} #{event['seq']} {event['type']}"
    moment = story.moment_of(event_id)
    hidden = {q for q in moment.unpublished if story.askers[q] != owner}
    named = set(mentioned_questions(event["data"])) & hidden
    found = [f"{where} names unpublished question {q}" for q in sorted(named)]
    found += [
        f"{where} holds the text of unpublished question {q}"
        for q in hidden
        if story.tokens[q] in frame
    ]
    found += [
        f"{where} holds the uncorrected wording {word!r}"
        for word, asker in story.drafts.items()
        if asker != owner and word in frame
    ]
    found += [f"{where} holds the backstage note {note!r}" for note in story.notes if note in frame]
    for name in ANONYMOUS_ONLY:
        if story.by_name(name).id != owner and name in frame:
            found.append(f"{where} names {name}, who asked only anonymously")
    for view in question_views(event["data"]):
        if view.get("id") in story.anonymous and (
            view.get("asker_name") or view.get("asker_country")
        ):
            found.append(f"{where} shows who asked anonymous question {view['id']}")
    return found


async def play(db: Database, c: Cast) -> Story:
    """Play the scripted panel through the real actions, noting each moment's secrets."""
    story = Story(c)
    amina, bilal, chen, dara = (story.by_name(n) for n in PARTICIPANTS)
    mod, panelist, pid = c.moderator, c.panelist, c.panel_id
    n = 0

    async def step(action: Awaitable[Any]) -> Any:
        result = await action
        async with db.reading() as session:
            last = await session.scalar(select(func.max(LoggedEvent.id))) or 0
            states = (
                await session.execute(
                    select(Question.id, Question.state).where(Question.panel_id == pid)
                )
            ).all()
        story.ever_public |= {q for q, state in states if rules.is_public(QuestionState(state))}
        unpublished = frozenset(q for q, _ in states) - story.ever_public
        story.moments.append(Moment(last, unpublished))
        return result

    async def asks(who: Member, text: str, *, anonymous: bool = False, draft: str = "") -> int:
        nonlocal n
        n += 1
        token = f"qtok{n:02d}"
        own = await step(
            actions.ask_question(
                db,
                who.viewer,
                Ask(panel_id=pid, text=f"{token} {draft} {text}", anonymous=anonymous),
            )
        )
        story.askers[own.id], story.tokens[own.id] = who.id, token
        if anonymous:
            story.anonymous.add(own.id)
        if draft:
            story.drafts[draft] = who.id
        return int(own.id)

    def votes(who: Member, qid: int, *, up: bool = True) -> Awaitable[int]:
        return step(actions.vote(db, who.viewer, VoteInput(question_id=qid, up=up)))

    def corrects(qid: int, text: str) -> Awaitable[None]:
        return step(
            actions.correct(
                db, mod.viewer, Correction(question_id=qid, text=f"{story.tokens[qid]} {text}")
            )
        )

    def merges(qid: int, into: int) -> Awaitable[None]:
        return step(actions.merge(db, mod.viewer, Merge(question_id=qid, into_id=into)))

    async def notes(who: Member, text: str) -> None:
        story.notes.append(text)
        await step(actions.leave_note(db, who.viewer, Note(panel_id=pid, text=text)))

    cheap = await asks(amina, "Which transfer channels cost under 3 % for West Africa?")
    wallets = await asks(bilal, "Do mobile wallets reach rural women?", anonymous=True)
    spam = await asks(chen, "Buy my product, cheap visas!!!")
    same = await asks(dara, "Which channels are cheapest for West Africa?", anonymous=True)
    clubs = await asks(amina, "How do hometwon clubs pool mony for schools?", draft="dtok05")
    await step(approve(db, mod, cheap))
    await step(approve(db, mod, wallets))
    await step(reject(db, mod, spam, RejectReason.OFF_TOPIC))
    await corrects(clubs, "How do hometown clubs pool money for schools?")
    await merges(same, cheap)
    for who, qid in ((chen, cheap), (chen, wallets), (dara, wallets), (amina, wallets)):
        await votes(who, qid)
    await step(approve(db, mod, clubs))
    aside = await asks(chen, "Is this panel also about something else entirely?")
    await step(approve(db, mod, aside))
    await step(actions.hide(db, mod.viewer, QuestionHiding(question_id=aside, reason="Off topic")))
    slides = await asks(bilal, "Will the slides be shared afterwards?", anonymous=True)
    await notes(panelist, "ntok1 Two more questions, then we close")
    await notes(mod, "ntok2 the visa question was spam again")
    await step(
        actions.set_answering(db, panelist.viewer, Answering(panel_id=pid, question_id=cheap))
    )
    await step(
        actions.answer(
            db,
            panelist.viewer,
            AnswerInput(question_id=cheap, text="Mobile money corridors, mostly.", live=True),
        )
    )
    await corrects(cheap, "Which transfer channels cost under 3 % for West Africa today?")
    await step(actions.tag(db, mod.viewer, Tagging(question_id=wallets, tags=["gender"])))
    group = await asks(chen, "Can a hometown club in Texas join the group rate?")
    await step(actions.tag(db, mod.viewer, Tagging(question_id=group, tags=["clubs"])))
    # The moderators' merge menu offers pending questions as targets for published ones too:
    # refusing that merge would keep the secret as well as making it without telling anyone.
    with contextlib.suppress(Conflict):
        await merges(clubs, group)
    fees = await asks(dara, "Should employers pay the recruitment fees?", anonymous=True)
    await step(reject(db, mod, fees, RejectReason.UNCLEAR))
    await step(approve(db, mod, fees))
    await votes(chen, fees)
    await votes(chen, fees, up=False)
    await merges(wallets, cheap)
    await step(approve(db, mod, aside))
    await step(reject(db, mod, slides, RejectReason.DUPLICATE))
    assert {q.state for q in await _questions(db, pid)} >= {QS.PENDING, QS.REJECTED, QS.MERGED}
    return story


async def _questions(db: Database, panel_id: int) -> list[Question]:
    async with db.reading() as session:
        return list(await session.scalars(select(Question).where(Question.panel_id == panel_id)))


async def staffed(db: Database) -> Cast:
    return await cast(db, *PARTICIPANTS, panelist=True)


async def test_no_event_for_the_public_or_a_participant_holds_what_they_may_not_see(
    db: Database,
) -> None:
    """Across the whole script, `qa:<id>` and others' `user:<id>` never carry a secret."""
    c = await staffed(db)
    story = await play(db, c)
    log = await everything_logged(db)

    found = [leak for e in log for leak in leaks(story, e.channel, e.id, e.envelope().frame)]
    assert found == []
    # The detector is not blind: the moderators' channel carries the very same secrets.
    moderated = "\n".join(e.data for e in log if e.channel == moderation_channel(c.panel_id))
    assert all(story.tokens[q] in moderated for q in story.moments[-1].unpublished)
    assert all(name in moderated for name in ANONYMOUS_ONLY)
    backstage = "\n".join(e.data for e in log if e.channel == backstage_channel(c.panel_id))
    assert all(note in backstage for note in story.notes)
    published = [e for e in log if e.type == "qa.question.published"]
    assert {json.loads(e.data)["question"]["id"] for e in published} == story.ever_public


async def test_participants_sockets_never_receive_what_they_may_not_see(sqlite_url: str) -> None:
    """Real participants following the panel and their own channel get every event, no secret;
    they cannot follow the moderators' or the backstage channel."""
    async with serve(make_settings(sqlite_url, send_queue_frames=512)) as server:
        db = server.services.db
        c = await staffed(db)
        pid = c.panel_id
        async with (
            live_client(server.ws_url, cookies=c.participants[0].cookies) as amina,
            live_client(server.ws_url, cookies=c.participants[1].cookies) as bilal,
            live_client(server.ws_url, cookies=c.participants[2].cookies) as chen,
            live_client(server.ws_url, cookies=c.participants[3].cookies) as dara,
        ):
            sockets = list(zip(c.participants, (amina, bilal, chen, dara), strict=True))
            for who, client in sockets:
                for private in (moderation_channel(pid), backstage_channel(pid)):
                    refused = await client.request("live.follow", {"channel": private})
                    assert refused["ok"] is False
                    assert refused["error"]["code"] == "live.forbidden"
                await client.follow(panel_channel(pid), since=0)
                await client.follow(user_channel(who.id), since=0)

            story = await play(db, c)

            received: list[tuple[Member, list[dict[str, Any]]]] = []
            for who, client in sockets:
                channels = [panel_channel(pid), user_channel(who.id)]
                frames = await collect_until(client, await heads_of(db, channels))
                received.append((who, frames + await client.nothing_pending()))

        log = {(e.channel, e.seq): e for e in await everything_logged(db)}
        found: list[str] = []
        for who, frames in received:
            events = [f for f in frames if f.get("kind") == "event"]
            expected = [k for k in log if k[0] in (panel_channel(pid), user_channel(who.id))]
            assert sorted((f["channel"], f["seq"]) for f in events) == sorted(expected), who.name
            for f in events:
                frame = log[(f["channel"], f["seq"])].envelope().frame
                assert json.loads(frame) == f
                found += [
                    f"to {who.name}: {leak}"
                    for leak in leaks(story, f["channel"], log[(f["channel"], f["seq"])].id, frame)
                ]
    assert found == []
