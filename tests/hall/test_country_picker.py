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
    assert "<strong>Countries of origin</strong>" in form_error(refused)
    assert 'value="Atlantis"' in refused.text


async def test_the_hall_names_and_finds_countries_in_the_page_language(
    server: RunningServer,
) -> None:
    """On a French page the country filter says "Maroc" and a search for "maroc" finds a booth
    from Morocco (its stored text names it in English); in Spanish, "Marruecos" does."""
    made, cookies = await team_booth(server)
    async with as_user(server, cookies) as http:
        token = await form_token(http, f"/booths/{made.id}/edit")
        saved = await http.post(
            f"/booths/{made.id}/details",
            data={"csrf": token, "title": "Corridors of care", "origin_countries": ["MA"]},
        )
        assert saved.status_code == 303
        french = await http.get("/hall?q=maroc", headers={"accept-language": "fr"})
        spanish = await http.get("/hall?q=Marruecos", headers={"accept-language": "es"})
        elsewhere = await http.get("/hall?q=Sénégal", headers={"accept-language": "fr"})
    assert '<option value="MA" >Maroc</option>' in french.text
    assert "Corridors of care" in french.text
    assert "Corridors of care" in spanish.text
    assert "Corridors of care" not in elsewhere.text
