"""Events own their audience: every registered event class, built from sample data, goes only
to channels whose audience may see every view it carries.

The samples come from the classes' own field annotations (`fair.core.protocol.sample_of`,
which also documents each event's channels), so a new event class is checked without anyone
adding it here. "Participants never see pending questions" is then a property
of each class: a `ModeratedQuestion` can only ever be recorded on a moderation channel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, TypeVar

import pytest
from pydantic import BaseModel

from discussions.channels import discussion_channel
from fair.core.accounts.channels import PEOPLE, user_channel
from fair.core.audiences import Reach, channel_reach, may_carry
from fair.core.channels import CHANNEL_NAME
from fair.core.db import Database
from fair.core.events import Event, View
from fair.core.features import load_features
from fair.core.home.actions import FAIR_CHANNEL
from fair.core.protocol import sample_of
from fair.core.settings import load_settings
from fair.hall.channels import HALL, booth_channel, staff_channel, team_channel
from fair.qa.channels import PROGRAMME, backstage_channel, moderation_channel, panel_channel
from fair.qa.events import ModeratedQuestion

M = TypeVar("M", bound=BaseModel)


def build(cls: type[M]) -> M:
    """An instance of `cls` with a sample for every field, routing-only fields included."""
    built = sample_of(cls)
    assert isinstance(built, cls)
    return built


def carried_views(value: Any) -> Iterator[View]:
    """Every view inside `value`, however deeply nested in views, lists and mappings."""
    if isinstance(value, View):
        yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from carried_views(getattr(value, name))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from carried_views(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from carried_views(item)


def problems(event: Event) -> list[str]:
    """Why `event` may not go where its audience says: bad names, or a channel whose audience
    may not see the event's own fields or one of the views it carries."""
    channels = event.audience()
    if not channels:
        return [f"{event.type} has no audience"]
    found = [
        f"{event.type} goes to {channel!r}, which is not a channel for events"
        for channel in channels
        if not CHANNEL_NAME.match(channel) or channel.startswith("presence:")
    ]
    reaches = [(f"{event.type} itself", event.reach)] + [
        (type(view).__name__, view.reach) for view in carried_views(event)
    ]
    for channel in channels:
        for what, reach in reaches:
            if not may_carry(channel, reach):
                found.append(
                    f"{event.type} carries {what} (reach {reach}) to {channel!r}, "
                    f"whose audience is {channel_reach(channel)}"
                )
    return found


def registered() -> dict[str, type[Event]]:
    """Every event class of every configured feature (plus any a test module defined)."""
    load_features(load_settings().features)
    return dict(Event.registry)


def view_classes(base: type[View] = View) -> Iterator[type[View]]:
    for cls in base.__subclasses__():
        yield cls
        yield from view_classes(cls)


@pytest.fixture
def throwaway() -> Iterator[None]:
    """Event classes a test defines are taken out of the registry again afterwards."""
    before = dict(Event.registry)
    yield
    Event.registry.clear()
    Event.registry.update(before)


EVENT_CLASSES = [pytest.param(cls, id=name) for name, cls in sorted(registered().items())]


@pytest.mark.parametrize("cls", EVENT_CLASSES)
def test_every_event_goes_only_where_its_views_may_be_seen(cls: type[Event]) -> None:
    """Built from sample data, the event names channels whose audience may see all it holds."""
    assert problems(build(cls)) == []


def test_the_sample_builder_covers_every_registered_event() -> None:
    """Every event class of every feature is built, so none escapes the audience check."""
    classes = registered()
    built = [build(cls) for cls in classes.values()]
    assert len(built) == len(classes)
    checked = {param.values[0] for param in EVENT_CLASSES}
    assert {cls for cls in classes.values() if cls.__module__.startswith("fair.")} <= checked
    assert {
        "account.registered",
        "fair.details.changed",
        "hall.card.left",
        "qa.question.asked",
    } <= set(classes)
    assert len(classes) >= 35


def test_every_private_view_is_carried_by_some_event() -> None:
    """Each view class that is not public travels in at least one event, so its reach is
    checked by the test above rather than merely declared."""
    carried = {type(view) for cls in registered().values() for view in carried_views(build(cls))}
    private = {cls for cls in view_classes() if cls.reach != Reach.PUBLIC}
    assert private, "no view declares a reach: the check would prove nothing"
    assert {cls.__name__ for cls in private - carried} == set()


def test_the_check_fails_for_an_event_that_shows_moderation_to_the_public(
    throwaway: None,
) -> None:
    """A throw-away event sending a moderated question to `qa:<id>` is reported as a leak."""

    class LeakedToPublic(Event):
        """Test only: a moderated question shown on the public channel (wrong on purpose)."""

        type = "test.leaked_to_public"
        question: ModeratedQuestion

        def audience(self) -> tuple[str, ...]:
            return (panel_channel(self.question.panel_id),)

    assert Event.registry["test.leaked_to_public"] is LeakedToPublic
    leaked = build(LeakedToPublic)
    [problem] = problems(leaked)
    assert (
        "ModeratedQuestion" in problem and repr(panel_channel(leaked.question.panel_id)) in problem
    )


def test_the_check_fails_for_private_event_figures_on_a_public_channel(throwaway: None) -> None:
    """An event whose own fields are for the team only may not go to the booth's public channel."""

    class FiguresLeaked(Event):
        """Test only: team figures on the public booth channel (wrong on purpose)."""

        type = "test.figures_leaked"
        reach: ClassVar[Reach] = Reach.TEAM
        booth_id: int

        def audience(self) -> tuple[str, ...]:
            return (team_channel(self.booth_id), booth_channel(self.booth_id))

    leaked = build(FiguresLeaked)
    [problem] = problems(leaked)
    assert (
        "test.figures_leaked itself" in problem and repr(booth_channel(leaked.booth_id)) in problem
    )


def test_a_concrete_event_without_an_audience_is_refused(throwaway: None) -> None:
    """Declaring an event type without saying where it goes fails when the class is defined."""
    with pytest.raises(TypeError, match="does not say its audience"):

        class Nowhere(Event):
            """Test only: an event that forgot its audience."""

            type = "test.nowhere"
            n: int

    assert "test.nowhere" not in Event.registry


async def test_recording_an_event_with_no_audience_is_an_error(
    db: Database, throwaway: None
) -> None:
    """An event whose audience is empty would reach no one: recording it raises."""

    class ToNoOne(Event):
        """Test only: an event addressed to nobody."""

        type = "test.to_no_one"

        def audience(self) -> tuple[str, ...]:
            return ()

    async with db.transaction() as tx:
        with pytest.raises(ValueError, match="no audience"):
            tx.record(ToNoOne())


@pytest.mark.parametrize("cls", EVENT_CLASSES)
def test_routing_only_fields_stay_out_of_the_payload(cls: type[Event]) -> None:
    """A field held only to name the audience (`RoutingId`) is never in the frame's data."""
    routing = {name for name, field in cls.model_fields.items() if field.exclude}
    payload = json.loads(build(cls).payload())
    assert set(payload) == set(cls.model_fields) - routing


def test_an_unsigned_cards_sender_is_routing_only() -> None:
    """The card's sender id picks their own channel but is not in the payload the team reads."""
    card = build(Event.registry["hall.card.left"])
    sender_id = card.sender_id  # type: ignore[attr-defined]
    booth_id = card.card.booth_id  # type: ignore[attr-defined]
    assert card.audience() == (team_channel(booth_id), user_channel(sender_id))
    assert "sender_id" not in json.loads(card.payload())


@pytest.mark.parametrize(
    ("channel", "reach"),
    [
        (moderation_channel(7), Reach.MODERATION),
        (backstage_channel(7), Reach.BACKSTAGE),
        (team_channel(7), Reach.TEAM),
        (staff_channel(7), Reach.TEAM),
        (user_channel(7), Reach.PERSON),
        (PEOPLE, Reach.ORGANISERS),
        (panel_channel(7), Reach.PUBLIC),
        (booth_channel(7), Reach.PUBLIC),
        (HALL, Reach.PUBLIC),
        (PROGRAMME, Reach.PUBLIC),
        (FAIR_CHANNEL, Reach.PUBLIC),
        (f"presence:{staff_channel(7)}", Reach.PUBLIC),
    ],
)
def test_a_channels_name_says_its_audience(channel: str, reach: Reach) -> None:
    """The names each feature's channels.py builds are read by the one naming convention."""
    assert channel_reach(channel) == reach


def test_reaction_counts_go_to_the_discussion_and_name_nobody() -> None:
    """A reaction's event goes to `discussion:<id>` only, with counts and no person in it."""
    counted = build(Event.registry["discussions.reactions.counted"])
    discussion_id = counted.discussion_id  # type: ignore[attr-defined]
    assert counted.audience() == (discussion_channel(discussion_id),)
    payload = json.loads(counted.payload())
    assert set(payload) == {"discussion_id", "contribution_id", "reactions"}
    assert set(payload["reactions"]) == {"useful", "thanks", "question"}


def test_a_posts_quote_and_cards_travel_on_the_public_discussion_channel() -> None:
    """A post's quote excerpt and booth and panel cards are public views on `discussion:<id>`."""
    posted = build(Event.registry["discussions.contribution.posted"])
    view = posted.contribution  # type: ignore[attr-defined]
    assert posted.audience() == (discussion_channel(view.discussion_id),)
    payload = json.loads(posted.payload())["contribution"]
    assert {"quote", "references"} <= set(payload)
    assert view.quote is None or view.quote.reach is Reach.PUBLIC


def test_a_mute_and_a_focal_point_mark_reach_only_the_person_concerned() -> None:
    """The discussions' mute and focal-point events go to `user:<id>` alone, and the routing
    id stays out of the payload; a slow-mode change is for everyone on the discussion."""
    from discussions import events as talks

    for cls in (
        talks.ParticipantMuted,
        talks.ParticipantUnmuted,
        talks.FocalPointMarked,
        talks.FocalPointUnmarked,
    ):
        event = build(cls)
        [channel] = event.audience()
        assert channel == user_channel(event.user_id)
        assert "user_id" not in event.model_dump()
    assert talks.MuteView.reach == Reach.PERSON
    slow = build(talks.SlowModeSet)
    assert slow.audience() == (f"discussion:{slow.discussion_id}",)


def test_the_discussions_private_events_reach_their_own_audience_only() -> None:
    """Handbook progress names who asked, so it goes to the organisers' `handbook:fair:staff`
    only; a cited author's and a carried question's asker's notices go to that person only;
    none of their views may travel on a discussion's public channel."""
    from discussions.channels import HANDBOOKS, discussion_channel
    from discussions.events import CarriedNotice, CitedNotice, ExportView

    assert channel_reach(HANDBOOKS) == Reach.TEAM
    for type_, view in (
        ("discussions.handbook.changed", ExportView),
        ("discussions.contribution.cited", CitedNotice),
        ("discussions.question.carried_over", CarriedNotice),
    ):
        event = build(Event.registry[type_])
        assert not problems(event)
        assert discussion_channel(1) not in event.audience()
        assert not may_carry(discussion_channel(1), view.reach)
