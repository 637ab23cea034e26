"""The country picker: one list per page, and the server takes a code or a name from it."""

from __future__ import annotations

from sqlalchemy import select

from fair.core.accounts.countries import country_code
from fair.hall.models import BoothCountry
from tests.core.test_accounts_http import form_error, form_token
from tests.hall.test_uploads import as_user, team_booth
from tests.support.servers import RunningServer


def test_a_country_is_known_by_its_code_or_its_name() -> None:
    """Codes in any case, English names and names in the viewer's language give the code."""
    assert country_code("sn") == "SN"
    assert country_code(" Senegal ") == "SN"
    assert country_code("allemagne", "fr") == "DE"
    assert country_code("Germany", "fr") == "DE"
    assert country_code("Atlantis") is None
    assert country_code("EU") is None


async def test_booth_edit_offers_one_list_and_saves_names_as_codes(server: RunningServer) -> None:
    """The edit page ships the countries once, as a datalist; typed names are stored as codes,
    blank fields are ignored, and a name not on the list is refused naming its field."""
    made, cookies = await team_booth(server)
    async with as_user(server, cookies) as http:
        page = (await http.get(f"/booths/{made.id}/edit")).text
        token = await form_token(http, f"/booths/{made.id}/edit")
        saved = await http.post(
            f"/booths/{made.id}/details",
            data={
                "csrf": token,
                "title": "Corridors",
                "origin_countries": ["Senegal", "", "ml"],
                "destination_countries": ["France", "France"],
            },
        )
        refused = await http.post(
            f"/booths/{made.id}/details",
            data={"csrf": token, "title": "Corridors", "origin_countries": ["Senegal", "Atlantis"]},
        )
    assert page.count('<datalist id="countries">') == 1
    assert page.count('<option value="Senegal">') == 1
    assert 'name="origin_countries" list="countries"' in page
    assert saved.status_code == 303
    async with server.services.db.reading() as session:
        rows = (await session.execute(select(BoothCountry.code, BoothCountry.kind))).all()
    assert sorted(rows) == [("FR", "destination"), ("ML", "origin"), ("SN", "origin")]
    assert refused.status_code == 422
    assert "origin_countries.1" in form_error(refused)
    assert 'value="Atlantis"' in refused.text
