"""Names said short: a surname alone or qualifying a ruler's regime ("Assad", "the Assad regime", "pro-Assad"), and an
organisation by the last word of its name ("the Council", "the Brotherhood")."""

from __future__ import annotations

from schemas import Entity
from services.tagger.gazetteer import Gazetteer
from services.tagger.linking import link_article
from services.tagger.mentions import FieldMentions, Mention
from tests.unit.test_tagger_linking import gazetteer, span  # noqa: F401  (the fixture and the span helper)

ASSAD = "Q44329"  # Bashar al-Assad, in the bundled leaders.yaml


def link(gazetteer: Gazetteer, body: str, mentions: list[Mention]) -> list[Entity]:
    return link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)])


def linked(entities: list[Entity]) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.type, e.canonical_id) for e in entities]


def test_a_surname_without_the_arabic_article_is_the_person_the_article_names(gazetteer: Gazetteer) -> None:
    body = "President Bashar al-Assad won. Rebels fighting to topple the Assad government said Assad lied."
    mentions = [span(body, "Bashar al-Assad", "PERSON"), span(body, "Assad", "ORG", 1), span(body, "Assad", "ORG", 2)]
    assert linked(link(gazetteer, body, mentions)) == [("Bashar al-Assad", "PERSON", ASSAD), ("Assad", "PERSON", ASSAD), ("Assad", "PERSON", ASSAD)]


def test_a_surname_the_article_never_gave_links_where_it_qualifies_the_one_leaders_regime(gazetteer: Gazetteer) -> None:
    body = "Aleppo hotel used by Assad forces levelled. Rebels fought the Assad regime and Assad's troops for a year."
    mentions = [span(body, "Assad", "ORG"), span(body, "Assad", "ORG", 1), span(body, "Assad", "PERSON", 2)]
    assert [x for x in linked(link(gazetteer, body, mentions)) if x[0] == "Assad"] == [("Assad", "PERSON", ASSAD)] * 3


def test_a_surname_alone_the_article_never_gave_stays_unlinked(gazetteer: Gazetteer) -> None:
    body = "Rebels fought Assad near the town. The Smith government fell."
    entities = link(gazetteer, body, [span(body, "Assad", "ORG"), span(body, "Smith", "ORG")])
    assert [(e.text, e.canonical_id) for e in entities] == [("Assad", None), ("Smith", None)]


def test_the_regime_of_another_person_the_article_names_is_his(gazetteer: Gazetteer) -> None:
    body = "Hafez al-Assad ruled Syria for 30 years. The Assad regime crushed Hama in 1982."
    entities = link(gazetteer, body, [span(body, "Hafez al-Assad", "PERSON"), span(body, "Assad", "ORG", 1)])
    regime = next(e for e in entities if e.text == "Assad")
    assert (regime.type, regime.canonical_id, regime.canonical_name) == ("PERSON", None, "Hafez al-Assad")


def test_pro_and_anti_a_leader_name_him_and_pro_a_nation_stays_a_word(gazetteer: Gazetteer) -> None:
    body = "35 members of the pro-Assad parliament met, and anti-Assad Syrian groups and pro-Russian rebels protested."
    mentions = [span(body, "pro-Assad", "NORP"), span(body, "anti-Assad Syrian", "NORP"), span(body, "pro-Russian", "NORP")]
    assert linked(link(gazetteer, body, mentions)) == [
        ("Assad", "PERSON", ASSAD), ("Assad", "PERSON", ASSAD), ("Syrian", "NORP", None), ("pro-Russian", "NORP", None)]


def test_what_is_left_once_the_side_is_cut_out_stays_only_if_it_is_still_a_name(gazetteer: Gazetteer) -> None:
    title = "Pro-Assad Areas Are Attacked in Syria, Pointing to Election Trouble"
    body = ("The anti-Assad Observatory said captives included fighters. The pro-Assad Syrian Army and pro-Assad areas are "
            "calm, and the anti-Assad Free Syrian Army, said Bashar al-Assad.")
    entities = link_article(gazetteer, [
        FieldMentions("title", title, [span(title, "Pro-Assad Areas Are", "ORG")]),
        FieldMentions("body", body, [span(body, "anti-Assad Observatory", "ORG"), span(body, "pro-Assad Syrian Army", "ORG"),
                                     span(body, "anti-Assad Free Syrian Army", "ORG"), span(body, "Bashar al-Assad", "PERSON")])])
    assert [(e.field, e.text) for e in entities if e.type == "ORG"] == [
        ("body", "Syrian Army"), ("body", "Free Syrian Army")]  # no "Areas Are", no "Observatory"
    assert sorted(e.text for e in entities if e.canonical_id == ASSAD) == ["Assad"] * 4 + ["Bashar al-Assad"]  # each side still names him


BORIS_JOHNSON = "Q180589"  # a prime minister of the United Kingdom, the one Johnson of the bundled leaders.yaml


def test_the_johnson_administration_of_the_1960s_is_not_boris_johnsons(gazetteer: Gazetteer) -> None:
    # As spaCy's en_core_web_md spans it: "Johnson" PERSON twice, Vietnam GPE (the gazetteer links it too).
    body = "The Johnson administration escalated the war in Vietnam in 1965. President Johnson signed the order."
    entities = link(gazetteer, body, [span(body, "Johnson", "PERSON"), span(body, "Vietnam", "GPE"), span(body, "Johnson", "PERSON", 1)])
    assert [(e.text, e.canonical_id) for e in entities if e.text == "Johnson"] == [("Johnson", None), ("Johnson", None)]


def test_a_title_the_leader_never_held_keeps_his_surname_from_the_regime_even_in_his_country(gazetteer: Gazetteer) -> None:
    # The article names Britain, but "President Johnson" was never Britain's prime minister.
    body = "Britain backed the Johnson administration in 1964, and President Johnson thanked London."
    entities = link(gazetteer, body, [span(body, "Britain", "GPE"), span(body, "Johnson", "PERSON"),
                                      span(body, "Johnson", "PERSON", 1), span(body, "London", "GPE")])
    assert BORIS_JOHNSON not in {e.canonical_id for e in entities}


def test_the_johnson_government_in_an_article_on_britain_is_still_boris_johnsons(gazetteer: Gazetteer) -> None:
    body = "The Johnson government faced a revolt from Conservative MPs in London. Prime Minister Johnson won the vote."
    entities = link(gazetteer, body, [span(body, "Johnson", "PERSON"), span(body, "Conservative", "NORP"),
                                      span(body, "London", "GPE"), span(body, "Johnson", "PERSON", 1)])
    assert [e.canonical_id for e in entities if e.text == "Johnson"][0] == BORIS_JOHNSON


def test_a_regime_links_its_leader_by_his_peoples_word_alone(gazetteer: Gazetteer) -> None:
    # No place named, but "Syrian" names the country Assad ruled; without it, "the Assad regime" stays unlinked.
    body = "Syrian refugees fled the Assad regime."
    entities = link(gazetteer, body, [span(body, "Syrian", "NORP"), span(body, "Assad", "ORG")])
    assert [e.canonical_id for e in entities if e.text == "Assad"] == [ASSAD]
    body = "Refugees fled the Assad regime."
    assert [e.canonical_id for e in link(gazetteer, body, [span(body, "Assad", "ORG")])] == [None]


def test_a_longer_spelling_with_the_same_given_name_is_the_known_person(gazetteer: Gazetteer) -> None:
    body = "President Bashar al-Assad filed papers signed Dr Bashar Hafez al Assad. Assad seeks re-election."
    mentions = [span(body, "Bashar al-Assad", "PERSON"), span(body, "Dr Bashar Hafez al Assad", "PERSON"), span(body, "Assad", "PERSON", 2)]
    assert linked(link(gazetteer, body, mentions))[-1] == ("Assad", "PERSON", ASSAD)


# --- an organisation named again by the last word of its name (short_names.py) ----------------------------------

def test_an_organisation_named_again_by_its_last_word_is_the_one_the_article_named(gazetteer: Gazetteer) -> None:
    body = "The UN Security Council met. The Muslim Brotherhood was banned. Russia has a veto on the Council; Brotherhood members fled."
    mentions = [span(body, "UN Security Council", "ORG"), span(body, "Muslim Brotherhood", "ORG"),
                span(body, "Council", "ORG", 1), span(body, "Brotherhood", "ORG", 1)]
    by_text = {e.text: e for e in link(gazetteer, body, mentions)}
    assert by_text["Council"].canonical_id == gazetteer.lookup("UN Security Council").id
    assert (by_text["Brotherhood"].canonical_id, by_text["Brotherhood"].key) == (None, by_text["Muslim Brotherhood"].key)


def test_a_last_word_two_organisations_of_the_article_share_or_a_list_of_names_stays_alone(gazetteer: Gazetteer) -> None:
    body = "The Security Council and the National Security Council met; the Council said so. Facebook, Google and Google's staff."
    mentions = [span(body, "Security Council", "ORG"), span(body, "National Security Council", "ORG"),
                span(body, "Council", "ORG", 2), span(body, "Facebook, Google", "ORG"), span(body, "Google", "ORG", 1)]
    entities = link(gazetteer, body, mentions)
    assert [(e.text, e.canonical_id, e.key) for e in entities if e.text in ("Council", "Google")] == [
        ("Council", None, "name:council"), ("Google", None, "name:google")]


def test_a_surname_given_with_a_personal_title_is_that_person_where_ner_missed_it(gazetteer: Gazetteer) -> None:
    # NER gives "Yuan" after "M." (the title cut off, lowercase_words.py); the title says the word is a man's name, so
    # the mention NER missed ("M, Yuan", a slip of the pen) and the one it called a place are his too.
    body = "Identifié comme M, Yuan, l’homme a été trouvé mort. Les caméras montrent M. Yuan au marché. Yuan est venu."
    mentions = [span(body, "Yuan", "PERSON", 1), span(body, "Yuan", "LOC", 2)]
    entities = link_article(gazetteer, [FieldMentions("title", "", []), FieldMentions("body", body, mentions)], language="fr")
    assert [(e.start, e.type, e.key) for e in entities] == [(body.index("Yuan", n), "PERSON", "name:yuan")
                                                           for n in (0, body.index("M. Yuan"), body.rindex("Yuan"))]


def test_a_place_named_with_a_personal_title_is_the_person_the_article_names_in_full(gazetteer: Gazetteer) -> None:
    # Hamilton is also a city: "Dr. Hamilton" is the pathologist named before, not the city nor a Hamilton of his own.
    body = "Aside from the pathologist, Dr. Stuart J. Hamilton, the panel met. Dr. Hamilton, a career pathologist, spoke."
    mentions = [span(body, "Stuart J. Hamilton", "PERSON"), span(body, "Hamilton", "PERSON", 1)]
    people = [(e.text, e.key) for e in link(gazetteer, body, mentions) if e.type == "PERSON"]
    assert people == [("Stuart J. Hamilton", "name:stuart j hamilton"), ("Hamilton", "name:stuart j hamilton")]


def test_a_titled_surname_two_full_names_share_stays_unresolved(gazetteer: Gazetteer) -> None:
    body = "Anna Kowalczyk spoke. Piotr Kowalczyk listened. Mr. Kowalczyk left early, and Kowalczyk said no more."
    mentions = [span(body, "Anna Kowalczyk", "PERSON"), span(body, "Piotr Kowalczyk", "PERSON"), span(body, "Kowalczyk", "PERSON", 2)]
    assert [(e.text, e.key) for e in link(gazetteer, body, mentions)][2:] == [("Kowalczyk", "name:kowalczyk")]


def test_a_name_alone_after_the_titled_name_of_a_known_person_is_that_person(gazetteer: Gazetteer) -> None:
    # "Pope Francis" is the pope's whole name less his title: "Francis" alone later is he, as "Francisco" is after
    # "el papa Francisco"; not name:francis.
    body = "Pope Francis arrived in Santiago on Monday. Francis urged Chile's bishops to listen to the victims."
    entities = link(gazetteer, body, [span(body, "Pope Francis", "PERSON"), span(body, "Francis", "PERSON", 1)])
    assert [(e.text, e.canonical_id) for e in entities if e.type == "PERSON"] == [("Pope Francis", "Q450675"), ("Francis", "Q450675")]


def test_a_first_name_alone_after_an_unknown_titled_name_keeps_its_own_key(gazetteer: Gazetteer) -> None:
    body = "Prince Harry arrived in Santiago on Monday. Harry said he was glad to be back."
    entities = link(gazetteer, body, [span(body, "Prince Harry", "PERSON"), span(body, "Harry", "PERSON", 1)])
    assert [(e.text, e.canonical_id) for e in entities if e.type == "PERSON"] == [("Prince Harry", None), ("Harry", None)]
