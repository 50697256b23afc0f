"""The gazetteer: its bundled data, alias matching over text, lookups and operator extensions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from services.tagger.gazetteer import BUNDLED_GAZETTEER, BUNDLED_PLACES, Gazetteer, GazetteerError, fold, is_acronym, load_entries


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _ids(gazetteer: Gazetteer, text: str) -> list[str]:
    return [m.entry.id for m in gazetteer.find(text)]


# --- the bundled data file ----------------------------------------------------------


def test_central_banks_and_international_bodies_link_to_one_key_in_any_language(gazetteer: Gazetteer) -> None:
    names = {
        "Q8901": ["European Central Bank", "ECB", "BCE", "Banque centrale européenne", "Europäische Zentralbank", "ЕЦБ",
                  "欧洲央行", "البنك المركزي الأوروبي"],
        "Q53536": ["Federal Reserve", "the Fed", "Reserva Federal", "ФРС", "美联储", "الاحتياطي الفيدرالي"],
        "Q2429253": ["Islamic State", "ISIS", "Daesh", "Estado Islámico", "Исламское государство", "داعش"],
    }
    for qid, aliases in names.items():
        assert {a: getattr(gazetteer.lookup(a), "id", None) for a in aliases} == dict.fromkeys(aliases, qid)
    # In running text, and "fed" the verb is not the Fed.
    assert _ids(gazetteer, "The Fed and the ECB held rates; the IAEA and the OPCW reported.") == ["Q53536", "Q8901", "Q41984", "Q842490"]
    assert _ids(gazetteer, "Investors fed up with rates.") == []


def test_bundled_file_has_unique_qids_of_valid_format() -> None:
    raw = yaml.safe_load(BUNDLED_GAZETTEER.read_text(encoding="utf-8"))["entities"]
    ids = [entry["id"] for entry in raw]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    # A Wikidata QID, or the GeoNames id of a generated city it corrects (no QID is guessed for one).
    generated = {entry["id"] for entry in yaml.safe_load(BUNDLED_PLACES.read_text(encoding="utf-8"))["entities"]}
    assert all(re.fullmatch(r"Q[1-9]\d*", i) or (i.startswith("geonames:") and i in generated) for i in ids)
    assert 60 <= len(ids) <= 300


def test_bundled_entries_validate_and_places_have_country_and_coordinates() -> None:
    entries = load_entries()
    known = {e.id for e in entries}
    for entry in entries:
        if entry.type in ("GPE", "LOC"):
            assert entry.coordinates is not None, entry.id
        if entry.country is not None:
            assert entry.country in known, (entry.id, entry.country)
    for country in [e for e in entries if e.type == "GPE" and e.country == e.id]:
        assert country.coordinates is not None


def test_no_alias_is_shared_by_two_bundled_entities() -> None:
    owners: dict[tuple[str, bool], set[str]] = {}
    for entry in load_entries():
        for alias, cased in entry.surface_forms():
            key = (alias if cased else fold(alias), cased)
            owners.setdefault(key, set()).add(entry.id)
    shared = {alias: ids for alias, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_every_bundled_entity_is_found_by_its_own_name(gazetteer: Gazetteer) -> None:
    for entry in gazetteer:
        assert gazetteer.lookup(entry.name) == entry, entry.name
        matches = gazetteer.find(f"Reports from {entry.name} today.")
        assert [m.entry.id for m in matches] == [entry.id], entry.name


def test_bundled_starter_set_covers_the_news_of_the_day(gazetteer: Gazetteer) -> None:
    for name in ["Ukraine", "Russia", "NATO", "European Union", "United Nations", "United States", "Israel", "Gaza Strip",
                 "China", "Taiwan", "Iran", "North Korea", "Kyiv", "Moscow", "International Monetary Fund",
                 "World Health Organization", "OPEC", "World Bank", "International Criminal Court", "G20",
                 "Volodymyr Zelensky", "Vladimir Putin", "Germany", "France", "Japan", "India", "Brazil", "Saudi Arabia"]:
        assert gazetteer.lookup(name) is not None, name


# --- matching --------------------------------------------------------------------------


def test_kiev_kyiv_and_lowercase_kyiv_link_to_one_entity(gazetteer: Gazetteer) -> None:
    text = "Officials in Kiev said kyiv was calm; KYIV residents and Київ radio agreed, as did Kijów and Kyiv’s mayor."
    matches = gazetteer.find(text)
    assert [m.text for m in matches] == ["Kiev", "kyiv", "KYIV", "Київ", "Kijów", "Kyiv"]
    assert len({m.entry.id for m in matches}) == 1


def test_match_offsets_point_into_the_original_text(gazetteer: Gazetteer) -> None:
    text = "Die Straße nach KİEV: İstanbul-Gespräche, dann Weißrussland und ÖSTERREICH."
    matches = gazetteer.find(text)
    assert matches
    for m in matches:
        assert text[m.start : m.end] == m.text
    assert {m.entry.name for m in matches} >= {"Belarus", "Austria"}


def test_fold_keeps_one_character_per_input_character() -> None:
    for text in ["Straße", "İstanbul", "ﬁnal ǅ ẞ", "Kyiv’s"]:
        assert len(fold(text)) == len(text)
    assert fold("KYIV") == fold("Kyiv") == fold("kyiv")


def test_aliases_never_match_inside_other_words(gazetteer: Gazetteer) -> None:
    text = "The Kievan chronicles, a Russiagate column, Natoyo street, Zelenskyduring the talks, and Chinaware."
    assert gazetteer.find(text) == []


def test_us_in_prose_is_not_the_united_states(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("Let us see who joins us; the un-named eu-style plan is ours.") == []
    united_states = gazetteer.lookup("United States")
    assert _ids(gazetteer, "The US and the U.S. Navy said so.") == [united_states.id, united_states.id]


def test_who_the_organisation_matches_only_in_capitals(gazetteer: Gazetteer) -> None:
    who = gazetteer.lookup("World Health Organization")
    assert gazetteer.find("Who said that, and who cares?") == []
    assert _ids(gazetteer, "The WHO warned of measles.") == [who.id]


def test_common_word_aliases_match_only_as_written(gazetteer: Gazetteer) -> None:
    assert gazetteer.find("We ate turkey while the trump card lay on the table.") == []
    assert {m.entry.name for m in gazetteer.find("Trump flew to Turkey.")} == {"Donald Trump", "Turkey"}


def test_longest_alias_wins_on_overlap(gazetteer: Gazetteer) -> None:
    text = "Talks at the United Nations Security Council and in New York City."
    assert [m.text for m in gazetteer.find(text)] == ["United Nations Security Council", "New York City"]


def test_full_name_alias_beats_its_surname(gazetteer: Gazetteer) -> None:
    matches = gazetteer.find("Volodymyr Zelensky spoke; later Zelenskyy added more.")
    assert [m.text for m in matches] == ["Volodymyr Zelensky", "Zelenskyy"]
    assert len({m.entry.id for m in matches}) == 1


def test_names_in_other_scripts_and_languages_match(gazetteer: Gazetteer) -> None:
    nato = gazetteer.lookup("NATO")
    text = "OTAN y НАТО, the North Atlantic Treaty Organization, also the Atlantic Alliance."
    assert _ids(gazetteer, text) == [nato.id] * 4


def test_unaccented_spelling_of_an_accented_alias_matches(gazetteer: Gazetteer) -> None:
    zelensky = gazetteer.lookup("Zelensky")
    assert _ids(gazetteer, "Volodimir Zelenski habló.") == [zelensky.id]


# --- lookups -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kyiv", "Kiev", "the Kyiv", "Kyiv’s", "KYIV's", "Київ"])
def test_lookup_normalizes_case_article_and_possessive(gazetteer: Gazetteer, name: str) -> None:
    entry = gazetteer.lookup(name)
    assert entry is not None and entry.name == "Kyiv"


def test_lookup_keeps_acronyms_case_sensitive(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("the US").name == "United States"
    assert gazetteer.lookup("us") is None
    assert gazetteer.lookup("who") is None


def test_lookup_acronym_accepts_dots_and_initials() -> None:
    gazetteer = Gazetteer.load()
    assert gazetteer.lookup_acronym("U.N.").name == "United Nations"
    custom = Gazetteer(
        [e for e in gazetteer if e.name != "World Trade Organization"]
        + [gazetteer.lookup("World Trade Organization").model_copy(update={"aliases": ()})]
    )
    assert custom.lookup("WTO") is None
    assert custom.lookup_acronym("WTO").name == "World Trade Organization"


# --- operator files ------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, entities: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"entities": entities}, allow_unicode=True), encoding="utf-8")
    return path


def test_user_file_extends_a_bundled_entry_with_new_aliases(tmp_path: Path) -> None:
    path = _write(tmp_path, "extra.yaml", [{"id": "Q1899", "aliases": ["Kyyev Town"]}])
    gazetteer = Gazetteer.load([path])
    assert gazetteer.lookup("Kyyev Town").id == "Q1899"
    assert gazetteer.lookup("Kiev").id == "Q1899"  # bundled aliases kept
    assert gazetteer.get("Q1899").coordinates is not None


def test_user_file_overrides_fields_and_adds_entities(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "extra.yaml",
        [
            {"id": "Q212", "name": "Ukraina (UA)"},
            {"id": "Q999999999", "name": "Wirewatch Test Harbour", "type": "LOC", "aliases": ["Test Harbour"], "coordinates": [1.5, 2.5]},
        ],
    )
    gazetteer = Gazetteer.load([path])
    assert gazetteer.get("Q212").name == "Ukraina (UA)"
    assert [m.entry.id for m in gazetteer.find("Ships left Test Harbour.")] == ["Q999999999"]
    assert len(gazetteer) == len(Gazetteer.load()) + 1


@pytest.mark.parametrize(
    "entities, message",
    [
        ([{"id": "X12", "name": "Bad", "type": "ORG"}], "X12"),
        ([{"id": "Q5", "name": "Bad", "type": "THING"}], "Q5"),
        ([{"name": "No id"}], "no string 'id'"),
        ([{"id": "Q6", "name": "Far", "type": "LOC", "coordinates": [123, 4]}], "Q6"),
    ],
)
def test_invalid_user_entries_are_rejected_with_file_and_id(tmp_path: Path, entities: list[dict], message: str) -> None:
    path = _write(tmp_path, "bad.yaml", entities)
    with pytest.raises(GazetteerError, match=re.escape(message)) as info:
        Gazetteer.load([path])
    assert "bad.yaml" in str(info.value)


def test_unreadable_or_malformed_user_file_says_which_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("entities: [ {id: Q1", encoding="utf-8")
    with pytest.raises(GazetteerError, match="broken.yaml"):
        Gazetteer.load([broken])
    with pytest.raises(GazetteerError, match="missing.yaml"):
        Gazetteer.load([tmp_path / "missing.yaml"])


def test_alias_shared_by_two_user_entities_links_to_neither(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "twins.yaml",
        [
            {"id": "Q900000001", "name": "Springfield Alpha", "type": "GPE", "aliases": ["Springfield"], "coordinates": [1, 1]},
            {"id": "Q900000002", "name": "Springfield Beta", "type": "GPE", "aliases": ["Springfield"], "coordinates": [2, 2]},
        ],
    )
    gazetteer = Gazetteer.load([path], bundled=False)
    assert gazetteer.lookup("Springfield") is None
    assert gazetteer.find("Rain in Springfield.") == []
    assert [m.entry.id for m in gazetteer.find("Rain in Springfield Beta.")] == ["Q900000002"]


def test_acronym_rule_covers_dotted_cyrillic_and_numbered_forms() -> None:
    assert all(is_acronym(a) for a in ["US", "U.S.", "НАТО", "G20", "WHO"])
    assert not any(is_acronym(a) for a in ["Nato", "EE. UU.", "NATIONS", "Kyiv"])


def test_a_name_that_is_also_a_phrase_links_only_as_written(gazetteer: Gazetteer) -> None:
    assert _ids(gazetteer, "They want a purist Islamic state. Islamic State claimed it.") == ["Q2429253"]
    assert _ids(gazetteer, "e-mail: jeffrey.hodgson@reuters.com, Reuters reported") == ["Q130879"]
