"""The bundled heads of state and government: offices that point at real entities, current and former holders told
apart, names linked in text, and the ``wirewatch gazetteer`` commands that show them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from services.tagger.commands import gazetteer as gazetteer_cli
from services.tagger.gazetteer import BUNDLED_LEADERS, Gazetteer, GazetteerError, Role, load_entries

# G20 members with a national government, and the five permanent members of the UN Security Council.
G20 = {"Q414": "Argentina", "Q408": "Australia", "Q155": "Brazil", "Q16": "Canada", "Q148": "China", "Q142": "France",
       "Q183": "Germany", "Q668": "India", "Q252": "Indonesia", "Q38": "Italy", "Q17": "Japan", "Q96": "Mexico",
       "Q159": "Russia", "Q851": "Saudi Arabia", "Q258": "South Africa", "Q884": "South Korea", "Q43": "Turkey",
       "Q145": "United Kingdom", "Q30": "United States"}
ORGANISATIONS = {"Q1065": "United Nations", "Q7184": "NATO", "Q8880": "European Commission"}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _current(gazetteer: Gazetteer, of: str, kind: str | None = None) -> list[str]:
    return [e.name for e in gazetteer for r in e.roles if r.of == of and r.current and (kind is None or r.kind == kind)]


def test_the_file_says_when_its_offices_were_last_checked() -> None:
    header = BUNDLED_LEADERS.read_text(encoding="utf-8").split("entities:")[0]
    found = re.search(r"as_of: (\d{4}-\d{2}-\d{2})", header)
    assert found and date.fromisoformat(found.group(1)) <= date.today()
    assert "build_leaders.py" in header


def test_every_office_belongs_to_an_entity_the_gazetteer_knows(gazetteer: Gazetteer) -> None:
    people = [e for e in load_entries() if e.roles]
    assert len(people) >= 150
    for person in people:
        assert person.type == "PERSON", person.name
        for role in person.roles:
            owner = gazetteer.get(role.of)
            assert owner is not None, f"{person.name}: {role.office} belongs to unknown {role.of}"
            assert owner.type in ("GPE", "ORG"), f"{person.name}: {role.office} belongs to a {owner.type}"
            if role.until:
                assert role.since is None or role.since <= role.until, person.name


def test_every_g20_country_and_major_organisation_has_a_current_leader(gazetteer: Gazetteer) -> None:
    missing = [name for qid, name in {**G20, **ORGANISATIONS}.items() if not _current(gazetteer, qid)]
    assert not missing


def test_one_current_holder_per_office(gazetteer: Gazetteer) -> None:
    holders: dict[tuple[str, str], set[str]] = {}
    for entry in gazetteer:
        for role in entry.roles:
            if role.current:
                holders.setdefault((role.of, role.office), set()).add(entry.name)
    # Offices held jointly by design: Andorra's co-princes, San Marino's captains regent, Switzerland's Federal Council.
    shared = {k: v for k, v in holders.items() if len(v) > 1 and k[0] not in ("Q228", "Q238", "Q39")}
    assert not shared


def test_former_office_holders_stay_linkable_with_their_office_ended(gazetteer: Gazetteer) -> None:
    for name in ("Joe Biden", "Olaf Scholz", "Pope Francis"):
        entry = gazetteer.lookup(name)
        assert entry is not None and entry.roles, name
        assert all(not r.current for r in entry.roles), name
    assert gazetteer.lookup("Friedrich Merz") is not None
    assert _current(gazetteer, "Q183", "head_of_government") == ["Friedrich Merz"]
    assert _current(gazetteer, "Q30", "head_of_state") == ["Donald Trump"]


def test_leaders_are_found_in_text_in_several_languages(gazetteer: Gazetteer) -> None:
    text = "Friedrich Merz und Emmanuel Macron trafen Wolodymyr Selenskyj; Путин ответил. Merz said the talks went well."
    found = [(m.text, m.entry.name) for m in gazetteer.find(text)]
    assert ("Friedrich Merz", "Friedrich Merz") in found and ("Merz", "Friedrich Merz") in found
    assert ("Emmanuel Macron", "Emmanuel Macron") in found
    assert any(name == "Volodymyr Zelensky" for _, name in found)
    assert any(name == "Vladimir Putin" for _, name in found)


def test_a_role_accepts_partial_dates_and_rejects_nonsense() -> None:
    assert Role.model_validate({"office": "Prime Minister", "of": "Q183", "since": 2025}).since == "2025"
    assert Role.model_validate({"office": "Prime Minister", "of": "Q183", "since": date(2025, 5, 6)}).since == "2025-05-06"
    with pytest.raises(ValueError):
        Role.model_validate({"office": "Prime Minister", "of": "Germany"})
    with pytest.raises(ValueError):
        Role.model_validate({"office": "Prime Minister", "of": "Q183", "kind": "monarch"})


def test_a_user_file_with_an_invalid_role_is_rejected_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"entities": [{"id": "Q900000001", "name": "A. Person", "type": "PERSON",
                                                  "roles": [{"office": "Mayor", "of": "Q90", "since": "last year"}]}]}))
    with pytest.raises(GazetteerError, match=r"mine.yaml.*Q900000001.*roles"):
        load_entries([path])


# --- wirewatch gazetteer ------------------------------------------------------------------


def test_lookup_prints_the_entity_and_its_offices() -> None:
    result = CliRunner().invoke(gazetteer_cli, ["lookup", "OTAN", "Merz", "Scholz"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("OTAN\tQ7184\tNATO\tORG")
    assert any(line.startswith("Merz\tQ566257\tFriedrich Merz\tPERSON") for line in lines)
    assert any("Chancellor of Germany (Q183, since" in line for line in lines)
    assert any("Chancellor of Germany (Q183, 2021-12-08 to 2025-05-06)" in line for line in lines)


def test_lookup_of_an_unknown_name_fails() -> None:
    result = CliRunner().invoke(gazetteer_cli, ["lookup", "Nobody Inparticular"])
    assert result.exit_code == 1 and "not in the gazetteer" in result.output


def test_leaders_of_a_country_by_name_lists_its_current_offices() -> None:
    result = CliRunner().invoke(gazetteer_cli, ["leaders", "--of", "Deutschland"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert {(r[1], r[3]) for r in rows} >= {("head_of_government", "Friedrich Merz")}
    assert all(r[0] == "Germany" for r in rows)
    assert "Olaf Scholz" not in result.output
    assert "Olaf Scholz" in CliRunner().invoke(gazetteer_cli, ["leaders", "--of", "Q183", "--former"]).output


@pytest.mark.parametrize(("of", "said"), [
    ("Germny", "'Germny' is not in the gazetteer; did you mean Germany?"),
    ("Atlantis", "'Atlantis' is not in the gazetteer (a country's or organisation's name or QID)"),
])
def test_leaders_of_a_name_the_gazetteer_does_not_have_says_what_was_meant(of: str, said: str) -> None:
    result = CliRunner().invoke(gazetteer_cli, ["leaders", "--of", of])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [said]


@pytest.mark.parametrize("of", ["", "  "])
def test_leaders_of_an_empty_name_is_a_usage_error_not_every_office(of: str) -> None:
    """`--of ''` (a shell variable left unset) listed every office of every country, as if --of were not given."""
    result = CliRunner().invoke(gazetteer_cli, ["leaders", "--of", of])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "--of needs a country's or organisation's name or QID" in result.stderr


def test_leaders_of_a_place_without_offices_says_so_rather_than_nothing() -> None:
    result = CliRunner().invoke(gazetteer_cli, ["leaders", "--of", "Kyiv"])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["no offices of Kyiv (Q1899) held now (--former lists ended ones too) in the gazetteer"]


def test_check_reports_aliases_the_users_file_makes_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"entities": [
        {"id": "Q900000002", "name": "Merz Holdings", "type": "ORG", "aliases": ["Kanzleramt Partners"], "cased_aliases": ["Merz"]}]}))
    result = CliRunner().invoke(gazetteer_cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid: 1 entities" in result.output
    assert "ambiguous alias 'Merz': Q566257, Q900000002" in result.output


def test_check_warns_when_a_users_alias_outranks_a_bundled_alias_matched_only_as_written(tmp_path: Path) -> None:
    # The bundled country Jordan (Q810) has "Jordan" as a cased alias; the user's "Jordan" matches in any case.
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump({"entities": [
        {"id": "Q41421", "name": "Michael Jordan", "type": "PERSON", "aliases": ["Jordan"]}]}))
    result = CliRunner().invoke(gazetteer_cli, ["check", str(path)])
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if "'Jordan'" in line]
    assert "Q41421 (Michael Jordan, yours)" in warning and "Q810 (Jordan)" in warning
    assert "the tagger links 'Jordan' / 'JORDAN' to Q41421 and never to Q810" in warning
    # What the warning says is what the gazetteer does.
    gaz = Gazetteer.load([path])
    assert [m.entry.id for m in gaz.find("Jordan closed its border.")] == ["Q41421"]
    assert gaz.lookup("Jordan").id == "Q810"


def test_check_rejects_an_invalid_file_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("entities:\n  - {id: nope, name: X, type: PERSON}\n")
    result = CliRunner().invoke(gazetteer_cli, ["check", str(path)])
    assert result.exit_code == 2 and "broken.yaml" in result.output
