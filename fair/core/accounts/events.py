"""What happens to accounts. Person views go to organisers (`people`); the rest to the person."""

from __future__ import annotations

from typing import ClassVar

from fair.core.accounts.channels import PEOPLE, user_channel
from fair.core.audiences import Reach
from fair.core.events import Event, RoutingId, View


class PersonView(View):
    """A person as organisers see them. Organisers (`people`) and the person themself only:
    it holds their role and organisation, whatever they chose to show elsewhere."""

    reach: ClassVar[Reach] = Reach.ORGANISERS | Reach.PERSON

    id: int
    display_name: str
    country: str
    organisation: str
    role: str


class AccountRegistered(Event):
    """Someone registered. Seen by organisers on `people`."""

    type = "account.registered"
    person: PersonView

    def audience(self) -> tuple[str, ...]:
        return (PEOPLE,)


class LoginStarted(Event):
    """The person logged in on a browser. Seen by the person on `user:<id>`."""

    type = "account.login.started"
    reach: ClassVar[Reach] = Reach.PERSON  # someone's logins are theirs alone
    login_id: str
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class LoginEnded(Event):
    """A login ended (logout); its sockets close. Seen by the person on `user:<id>`."""

    type = "account.login.ended"
    reach: ClassVar[Reach] = Reach.PERSON  # someone's logins are theirs alone
    login_id: str
    user_id: RoutingId

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.user_id),)


class RoleChanged(Event):
    """An organiser changed a person's role; their sockets reconnect with the new rights.

    Seen by the person on `user:<id>` and by organisers on `people`.
    """

    type = "account.role.changed"
    person: PersonView

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.person.id), PEOPLE)


class AccountBanned(Event):
    """An organiser banned a person; all their logins end.

    Seen by the person on `user:<id>` and by organisers on `people`.
    """

    type = "account.banned"
    person: PersonView

    def audience(self) -> tuple[str, ...]:
        return (user_channel(self.person.id), PEOPLE)
