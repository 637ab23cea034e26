"""What happens to accounts. Person views go to organisers (`people`); the rest to the person."""

from __future__ import annotations

from fair.core.events import Event, View


class PersonView(View):
    """A person as organisers see them."""

    id: int
    display_name: str
    country: str
    organisation: str
    role: str


class AccountRegistered(Event):
    """Someone registered. Seen by organisers on `people`."""

    type = "account.registered"
    person: PersonView


class LoginStarted(Event):
    """The person logged in on a browser. Seen by the person on `user:<id>`."""

    type = "account.login.started"
    login_id: str


class LoginEnded(Event):
    """A login ended (logout); its sockets close. Seen by the person on `user:<id>`."""

    type = "account.login.ended"
    login_id: str


class RoleChanged(Event):
    """An organiser changed a person's role; their sockets reconnect with the new rights.

    Seen by the person on `user:<id>` and by organisers on `people`.
    """

    type = "account.role.changed"
    person: PersonView


class AccountBanned(Event):
    """An organiser banned a person; all their logins end.

    Seen by the person on `user:<id>` and by organisers on `people`.
    """

    type = "account.banned"
    person: PersonView
