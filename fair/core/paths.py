"""The `id` path convertor: `{booth_id:id}` matches only an id in the database's range."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from fair.core.fields import MAX_ID


def _at_most(limit: str) -> str:
    """A regex for numbers of exactly len(limit) digits that are at most `limit`."""
    options = []
    for index, digit in enumerate(limit):
        low = "1" if index == 0 else "0"
        if int(digit) > int(low):
            rest = len(limit) - index - 1
            options.append(f"{limit[:index]}[{low}-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(limit)
    return "|".join(options)


def id_pattern(limit: int = MAX_ID) -> str:
    """A regex for 1..limit with no leading zeros: shorter numbers, or as long and not above."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    return "|".join(part for part in (shorter, _at_most(digits)) if part)


class IdConvertor(Convertor[int]):
    """A row's id in a path; anything else (`007`, `0`, 2**63) matches no route, so is a 404."""

    regex = f"(?:{id_pattern()})"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 1 <= value <= MAX_ID:
            raise ValueError("an id is between 1 and MAX_ID")
        return str(value)


def register_convertors() -> None:
    """Make `{name:id}` available to routes; called before any feature builds its routes."""
    register_url_convertor("id", IdConvertor())
