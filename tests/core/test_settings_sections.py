"""A feature's settings section: defaults, its table of the config file, FAIR_<SECTION>_<KEY>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from fair.core.app import create_app
from fair.core.settings import DEFAULT_CONFIG, PROJECT_ROOT, Settings, SettingsError, load_settings
from fair.hall.settings import HallSettings


@dataclass(frozen=True)
class StandSettings:
    SECTION: ClassVar[str] = "stand"

    title: str = "A stand"
    open: bool = False
    visitors: int = 10
    hours: float = 1.5
    colours: tuple[str, ...] = ("blue",)


def _with_tables(tmp_path: Path, tables: str) -> Path:
    """The default config file with these tables added at its end."""
    path = tmp_path / "fair.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + "\n" + tables, encoding="utf-8")
    return path


def _settings(tmp_path: Path, tables: str = "", **environ: str) -> Settings:
    return load_settings(environ=environ, config_file=_with_tables(tmp_path, tables))


def test_a_section_without_a_table_has_its_defaults(tmp_path: Path) -> None:
    """With no [stand] table and no FAIR_STAND_*, the section is its dataclass's defaults."""
    assert _settings(tmp_path).section(StandSettings) == StandSettings()


def test_the_table_sets_the_section_with_its_types(tmp_path: Path) -> None:
    """The [stand] table's values are taken, a whole number for a float and a list as a tuple."""
    tables = '[stand]\ntitle = "Remittances"\nopen = true\nvisitors = 3\nhours = 2\ncolours = []\n'
    stand = _settings(tmp_path, tables).section(StandSettings)
    assert stand == StandSettings(title="Remittances", open=True, visitors=3, hours=2.0, colours=())
    assert type(stand.hours) is float


def test_the_environment_overrides_the_table_coerced_to_the_field_type(tmp_path: Path) -> None:
    """FAIR_STAND_<KEY> beats the table and is converted like the core's variables."""
    settings = _settings(
        tmp_path,
        '[stand]\nvisitors = 3\ntitle = "From the file"\n',
        FAIR_STAND_VISITORS="40",
        FAIR_STAND_OPEN="yes",
        FAIR_STAND_HOURS="0.25",
        FAIR_STAND_COLOURS="red, green,",
    )
    assert settings.section(StandSettings) == StandSettings(
        title="From the file", open=True, visitors=40, hours=0.25, colours=("red", "green")
    )


@pytest.mark.parametrize(
    ("variable", "raw"),
    [("FAIR_STAND_VISITORS", "many"), ("FAIR_STAND_OPEN", "perhaps"), ("FAIR_STAND_HOURS", "2h")],
)
def test_a_bad_variable_is_refused_naming_it(tmp_path: Path, variable: str, raw: str) -> None:
    """A FAIR_STAND_* value of the wrong type is refused with SettingsError naming the variable."""
    settings = _settings(tmp_path, **{variable: raw})
    with pytest.raises(SettingsError, match=variable):
        settings.section(StandSettings)


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("visitors = 2.5", r"\[stand\] visitors must be a whole number"),
        ('open = "yes"', r"\[stand\] open must be true or false"),
        ("title = 7", r"\[stand\] title must be text"),
        ("hours = true", r"\[stand\] hours must be a number"),
        ("colours = [1]", r"\[stand\] colours must be a list of text"),
    ],
)
def test_a_value_of_the_wrong_type_in_the_table_is_refused(
    tmp_path: Path, line: str, named: str
) -> None:
    """A table value of the wrong type is refused with a message naming the section and key."""
    settings = _settings(tmp_path, f"[stand]\n{line}\n")
    with pytest.raises(SettingsError, match=named):
        settings.section(StandSettings)


def test_unknown_keys_in_a_table_are_refused_naming_them(tmp_path: Path) -> None:
    """Keys the section does not define are refused, all of them named."""
    settings = _settings(tmp_path, '[stand]\ntitel = "x"\nvisiters = 2\nvisitors = 2\n')
    with pytest.raises(SettingsError, match=r"unknown settings in \[stand\]: titel, visiters"):
        settings.section(StandSettings)


def test_a_table_no_configured_feature_reads_is_ignored(tmp_path: Path) -> None:
    """A [stand] table with keys of its own does not stop the core's settings from loading."""
    settings = _settings(tmp_path, '[stand]\nanything = "x"\n')
    assert settings.port == 8000
    assert settings.section(HallSettings) == HallSettings()


def test_a_section_is_read_from_what_was_captured_at_load(tmp_path: Path) -> None:
    """Changing the environment after loading changes nothing; the parsed section is reused."""
    environ = {"FAIR_STAND_VISITORS": "5"}
    settings = load_settings(environ=environ, config_file=_with_tables(tmp_path, ""))
    environ["FAIR_STAND_VISITORS"] = "6"
    first = settings.section(StandSettings)
    assert first.visitors == 5
    assert settings.section(StandSettings) is first


def test_settings_stay_comparable_and_hashable() -> None:
    """Two loads of the same file and environment are equal and hash alike, sections included."""
    environ = {"FAIR_HALL_UPLOAD_DIR": "/srv/uploads", "FAIR_PORT": "9000"}
    first, second = load_settings(environ=environ), load_settings(environ=environ)
    first.section(HallSettings)
    assert first == second
    assert hash(first) == hash(second)


def test_with_section_sets_values_over_the_file_and_the_environment(tmp_path: Path) -> None:
    """with_section gives new settings whose section has the values given; the old are unchanged."""
    settings = _settings(tmp_path, "[stand]\nvisitors = 3\n", FAIR_STAND_VISITORS="4")
    changed = settings.with_section(StandSettings, visitors=9, open=True)
    assert changed.section(StandSettings) == StandSettings(visitors=9, open=True)
    assert settings.section(StandSettings).visitors == 4


def test_with_section_refuses_what_the_section_refuses(tmp_path: Path) -> None:
    """Setting a key the section does not define, or a value of the wrong type, is refused."""
    settings = _settings(tmp_path)
    with pytest.raises(SettingsError, match="visiters"):
        settings.with_section(StandSettings, visiters=2)
    with pytest.raises(SettingsError, match=r"\[stand\] visitors must be a whole number"):
        settings.with_section(StandSettings, visitors="2")


def test_the_hall_keeps_uploads_under_the_project_unless_told_otherwise() -> None:
    """[hall] upload_dir is var/uploads under the project; FAIR_HALL_UPLOAD_DIR moves it."""
    assert load_settings(environ={}).section(HallSettings).upload_path == (
        PROJECT_ROOT / "var" / "uploads"
    )
    moved = load_settings(environ={"FAIR_HALL_UPLOAD_DIR": "/srv/fair/uploads"})
    assert moved.section(HallSettings).upload_path == Path("/srv/fair/uploads")


def test_the_old_upload_variable_is_refused_naming_the_new_one() -> None:
    """FAIR_UPLOAD_DIR is no longer read: it is refused, saying to use FAIR_HALL_UPLOAD_DIR."""
    with pytest.raises(SettingsError, match="FAIR_HALL_UPLOAD_DIR"):
        load_settings(environ={"FAIR_UPLOAD_DIR": "/srv/uploads"})


def test_the_app_refuses_a_bad_section_when_it_is_built(tmp_path: Path) -> None:
    """A configured feature's bad section stops the app at start, not at the first upload."""
    path = tmp_path / "fair.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    path.write_text(text.replace('\nupload_dir = "', '\nupload_directory = "'), encoding="utf-8")
    settings = load_settings(environ={}, config_file=path)
    with pytest.raises(SettingsError, match=r"unknown settings in \[hall\]: upload_directory"):
        create_app(settings)
