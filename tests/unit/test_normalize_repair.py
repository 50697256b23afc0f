"""Repair of machine-translation artifacts: clean English passes byte-identical, injected artifacts are restored, every edit is recorded."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from services.normalize.artifacts import KINDS, inject, paragraphs
from services.normalize.repair import Repairer

CLEAN = Path(__file__).parent / "fixtures" / "normalize" / "clean_english"


@pytest.fixture(scope="module")
def repairer() -> Repairer:
    return Repairer()


def _clean_paragraphs() -> list[str]:
    return [p for f in sorted(CLEAN.glob("*.txt")) for p in paragraphs(f.read_text(encoding="utf-8"))]


def test_the_clean_corpus_has_at_least_thirty_paragraphs():
    assert len(_clean_paragraphs()) >= 30


def test_clean_professional_english_passes_byte_identical_with_no_changes(repairer: Repairer):
    for f in sorted(CLEAN.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        title, body, changes = repairer.repair("Officials meet in Kyiv", text)
        assert changes == [], f"{f.name}: {[(c.rule, c.before, c.after) for c in changes]}"
        assert (title, body) == ("Officials meet in Kyiv", text)


@pytest.mark.parametrize("kind", KINDS)
def test_injected_artifacts_are_restored_to_the_original_text(repairer: Repairer, kind: str):
    rng = random.Random(f"repair-{kind}")
    tried = restored = 0
    for paragraph in _clean_paragraphs():
        for _ in range(2):
            injected = inject(paragraph, kind, rng, repairer.names, repairer.lexicon)
            if injected is None:
                continue
            tried += 1
            _, body, changes = repairer.repair("", injected.text)
            restored += body == paragraph
    assert tried >= 15
    assert restored / tried >= 0.8, f"{kind}: {restored}/{tried} restored"


def test_machine_translated_paragraph_is_repaired_and_every_edit_says_which_rule(repairer: Repairer):
    text = (
        "The minister arrived this Friday in kiev for talks with President Volodymyr Zelenskiyduring a short visit.\n\n"
        "“Each village we take back is a village the enemy loses“said the minister, adding that aid reached 40 billion euross "
        "since the summit last June.in which allies agreed on new funds. ."
    )
    _, body, changes = repairer.repair("", text)
    assert "in Kyiv for talks" in body
    assert "Volodymyr Zelensky during a short visit" in body
    assert "the enemy loses,” said the minister" in body
    assert "40 billion euros since" in body
    assert "last June. in which" in body
    assert body.endswith("new funds.")
    rules = {c.rule for c in changes}
    assert {"glue:name-boundary", "names:variant", "spelling:doubled-final-letter", "space:after-punctuation",
            "quotes:misplaced-opening", "punctuation:repeated-stop"} <= rules
    assert all(c.kind == "repair" and c.reason for c in changes)


def test_a_change_span_points_at_the_text_it_replaced(repairer: Repairer):
    text = "Prices rose 3 percent, officials said.Traders expected that."
    _, body, changes = repairer.repair("", text)
    (change,) = changes
    assert change.rule == "space:after-punctuation"
    assert text[change.span[0] : change.span[1]] == change.before == "."
    assert body == "Prices rose 3 percent, officials said. Traders expected that."


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. economy grew 2.4% in the quarter, e.g. faster than in Japan.",
        "Details are at https://example.org/news/kiev.report and www.gov.example.com/budget.",
        "Write to press@kyiv.example.ua or visit Amazon.com, mil.ru and arXiv.org for the report.pdf.",
        "Mr. Smith met Dr. Jones at 9 a.m. on St. Clair Ave., No. 10, at 3.5 times the usual fee.",
        "Diners at the Odessa, Texas, restaurant ordered chicken Kiev before a talk at Peking University.",
        "Apple's iPhone, eBay, YouTube and McDonald's were followed by #kyiv and @kievpost on social media.",
    ],
)
def test_abbreviations_decimals_urls_emails_domains_and_kept_names_are_untouched(repairer: Repairer, text: str):
    assert repairer.repair("", text)[1:] == (text, [])


def test_doubled_letter_is_kept_when_the_word_is_a_real_word(repairer: Repairer):
    text = "The boss of the press office said the grass was cut."
    assert repairer.repair("", text)[1] == text


def test_case_of_a_name_comes_from_how_the_article_writes_it_elsewhere(repairer: Repairer):
    text = "Talks were led by Syniehubov, the governor. Later syniehubov said crews were at work."
    _, body, changes = repairer.repair("", text)
    assert "Later Syniehubov said" in body
    assert [c.rule for c in changes] == ["case:proper-name"]


def test_common_words_are_not_capitalized_because_a_name_shares_them(repairer: Repairer):
    text = "Rose Whitfield spoke first. Prices rose after the march, the mayor said."
    assert repairer.repair("", text)[1] == text


def test_a_rule_can_be_switched_off():
    quiet = Repairer(disabled=frozenset({"spelling:doubled-final-letter"}))
    assert quiet.repair("", "It cost 5 euross.")[1] == "It cost 5 euross."


def test_a_verb_given_the_capital_of_the_name_before_it_is_lower_cased(repairer: Repairer):
    # Apertium: "Stoltenberg prometió más ayuda. Zelenski dijo que..." -> "Stoltenberg Promised more help. Zelenski Said that..."
    body = "Stoltenberg Promised more help on Tuesday. Zelensky Said that the help arrives. Kovalenko Urged calm."
    _, repaired, changes = repairer.repair("Stoltenberg Promises More Help", body)
    assert repaired == "Stoltenberg promised more help on Tuesday. Zelensky said that the help arrives. Kovalenko urged calm."
    assert {c.rule for c in changes} == {"case:verb-after-name"} and all(c.field == "body" for c in changes)


@pytest.mark.parametrize("body", [
    "Manchester United said on Monday that the match would go ahead.",
    "The Ukrainian Armed Forces said the bridge was hit.",
    "Oxford's Said Business School opened a campus in Kyiv.",
    "Stoltenberg Visited Kyiv last year, the report says.",  # a capitalised word follows: a title, not a sentence
    "The Pentagon Papers leaked in 1971.",  # "Papers" is no verb form
])
def test_names_ending_in_a_capitalised_word_are_left_alone(repairer: Repairer, body: str):
    assert repairer.repair("", body)[1] == body


def test_english_as_written_keeps_its_case(repairer: Repairer):
    body = "Stoltenberg Promised more help."
    assert repairer.repair("", body, translated=False)[1] == body


@pytest.mark.parametrize(("title", "repaired"), [
    ("Stoltenberg Promises to Zelensky more antiaircraft defence in Kyiv", "Stoltenberg promises to Zelensky more antiaircraft defence in Kyiv"),
    ("Stoltenberg Promises More Air Defence For Kyiv", "Stoltenberg Promises More Air Defence For Kyiv"),  # headline case: left alone
    ("NATO Chief Vows More Help", "NATO Chief Vows More Help"),
])
def test_a_translated_title_is_repaired_only_when_written_in_sentence_case(repairer: Repairer, title: str, repaired: str):
    assert repairer.repair(title, "Body.")[0] == repaired


# --- every repair rests on evidence in the text (issue 15) ------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "The plates were made of fine china and sold at a turkey market.",  # words English also writes in lower case
        "The Food Standards Agency said so. The agency added that it would act.",  # "Agency" only inside a name
        "Police in Newport said so. Call Newport police at 859-292-3680.",  # a common word with a capital on one side only
        "Aid reached Donggala on Monday. Roads to Donggala were cut.",  # an unknown name the article writes twice
        "The shop sells homeware and clothing.",  # a compound the lexicon knows
    ],
)
def test_repairs_refuse_without_evidence(repairer: Repairer, text: str):
    assert repairer.repair("", text)[1] == text


def test_a_lower_cased_word_is_restored_from_the_pair_the_article_writes_capitalised(repairer: Repairer):
    text = "Prime Minister Theresa May spoke first. Later Prime minister Theresa May left."
    assert repairer.repair("", text)[1] == "Prime Minister Theresa May spoke first. Later Prime Minister Theresa May left."


def test_a_rare_name_written_capitalised_at_a_sentence_start_is_evidence(repairer: Repairer):
    text = "Hammel said the shark was large. The surfer, Chad hammel, was unhurt."
    assert repairer.repair("", text)[1] == "Hammel said the shark was large. The surfer, Chad Hammel, was unhurt."


def test_a_gazetteer_name_is_evidence_for_its_case(repairer: Repairer):
    assert repairer.repair("", "Talks in athens ended on Monday.")[1] == "Talks in Athens ended on Monday."


def test_a_gazetteer_name_a_translation_lower_cased_at_every_mention_is_restored(repairer: Repairer):
    # tests/fixtures/stories/002_agency_translated.txt: the agency's machine translation writes the city only so
    text = ("The Secretary General of the NATO, Mark Rutte, assured this Tuesday in vilnius that the german brigade "
            "deployed in Lithuania will be prepared.\n\n\u201cEach soldier that we send says to Moscow that an attack "
            "against an ally is an attack against all,\u201d said Rutte during his visit to vilnius.")
    body = repairer.repair("", text)[1]
    assert "in Vilnius that" in body and "his visit to Vilnius." in body and "vilnius" not in body


def test_a_nationality_a_translation_lower_cased_more_than_once_is_capitalised(repairer: Repairer):
    text = ("The german brigade will reach some 5.000 soldiers near the border. The german soldiers will guard the "
            "lithuanian border, and the lithuanian army will train with them.")
    assert repairer.repair("", text)[1] == (
        "The German brigade will reach some 5.000 soldiers near the border. The German soldiers will guard the "
        "Lithuanian border, and the Lithuanian army will train with them.")


def test_a_nationality_english_also_writes_in_lower_case_stays_without_the_articles_capital(repairer: Repairer):
    # "french fries", "nail polish", "to welsh on a deal", "an afghan" (a blanket): ordinary English words
    text = "She ate french fries and bought nail polish; the polish dried. He would not welsh on a deal or sell the afghan."
    assert repairer.repair("", text) == ("", text, [])


def test_a_gazetteer_name_english_also_writes_in_lower_case_needs_the_article_to_write_it(repairer: Repairer):
    text = "The shop sold fine china and more china plates. Talks in turkey farms ended, and turkey prices rose."
    assert repairer.repair("", text)[1] == text


@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # Galician "..., engadiu Hammel", Romanian through Spanish: Apertium supplies a subject the verb has after it
        ("\"There is a shark in the water!\", it added Hammel.", "\"There is a shark in the water!\", added Hammel."),
        ("\u201eIt is a shark in the water!\u201d, it added Hammel.", "\u201eIt is a shark in the water!\u201d, added Hammel."),
        ("\u201cWe are not going to allow it,\u201d she affirmed Stoltenberg in a joint press conference in Kyiv.",
         "\u201cWe are not going to allow it,\u201d affirmed Stoltenberg in a joint press conference in Kyiv."),
        # Spanish "tal como comentó Paul Mills-Hicks, director comercial"
        ("Such as it commented Paul Mills-Hicks, commercial director of Wadworth, the brewery grew.",
         "Such as commented Paul Mills-Hicks, commercial director of Wadworth, the brewery grew."),
    ],
)
def test_a_pronoun_before_a_reporting_verb_whose_subject_follows_is_dropped(repairer: Repairer, scarred: str, restored: str):
    body, changes = repairer.repair("", scarred)[1:]
    assert body == restored
    assert [c.rule for c in changes] == ["pronoun:before-inverted-subject"]


def test_the_pronoun_is_dropped_when_the_speaker_is_a_name_the_translator_left_as_written(repairer: Repairer):
    # Portuguese through Spanish: Apertium knows no "Hammel", so the name is an untranslated span no rule edits
    body = "\"There is a tubar\u00e3o in the water!\", it added Hammel."
    hammel = (body.index("Hammel"), body.index("Hammel") + len("Hammel"))
    assert repairer.repair("", body, untranslated=((), [hammel]))[1] == "\"There is a tubar\u00e3o in the water!\", added Hammel."


@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # Italian "ha affermato Trump", French "a déclaré Kavadarkov" through Spanish (the devdata's NTREX translations)
        ("\u201cThey are the most outrageous of the democrat party\u201d, has affirmed Trump during a rally in Wheeling.",
         "\u201cThey are the most outrageous of the democrat party\u201d, affirmed Trump during a rally in Wheeling."),
        ("\"We are a poor country, but we want to go in by the big door\", has declared Kavadarkov.",
         "\"We are a poor country, but we want to go in by the big door\", declared Kavadarkov."),
        ("\u201cIt is a disaster at provincial level\u201d has affirmed Aulia Arriani, spokesman of the Red Cross.",
         "\u201cIt is a disaster at provincial level\u201d affirmed Aulia Arriani, spokesman of the Red Cross."),
    ],
)
def test_a_present_perfect_reporting_verb_whose_subject_follows_becomes_simple_past(repairer: Repairer, scarred: str, restored: str):
    body, changes = repairer.repair("", scarred)[1:]
    assert body == restored
    assert [c.rule for c in changes] == ["tense:perfect-before-inverted-subject"]


@pytest.mark.parametrize(
    "text",
    [
        "\u201cWe are ready,\u201d has declared Saturday the minister.",  # a weekday is no speaker
        "\"Great,\" has said Smith's office.",  # a possessive opens a subject of its own
        "\u201cThe plan works,\u201d has explained Reads to CNBC in an interview.",  # no end of the clause after the name
    ],
)
def test_a_present_perfect_reporting_verb_not_before_its_speaker_stays(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


def test_a_present_perfect_in_english_as_written_is_left_alone(repairer: Repairer):
    text = "\u201cWe will win,\u201d has said Trump, a line his rallies repeat."
    assert repairer.repair("", text, translated=False) == ("", text, [])


@pytest.mark.parametrize(
    "text",
    [
        "\u201cWe are ready,\u201d she said Monday.",  # a weekday is no speaker
        "\u201cWe are ready,\u201d he said Russia would not attack.",  # the name opens a clause of its own
        "\u201cThanks,\u201d she told Smith in the hall.",  # told, asked, warned take the person spoken to
        "\"Great,\" he added Smith to the list.",
        "The company, as it stated in March, will grow; as she noted Smith's remarks in the report, the talks ended.",
        "It explained Hammel at length.",  # no quotation or \"as\" before it
    ],
)
def test_a_pronoun_before_a_reporting_verb_in_english_as_written_stays(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


def test_a_capitalised_word_glued_to_the_next_is_split_when_both_parts_are_words(repairer: Repairer):
    assert repairer.repair("", "Hundredsof protesters gathered.")[1] == "Hundreds of protesters gathered."
    text = "Gendon Subandono is the coach. Mr. Gendon spoke. Mr. Gendonrecounted how it began."
    assert repairer.repair("", text)[1] == "Gendon Subandono is the coach. Mr. Gendon spoke. Mr. Gendon recounted how it began."


# --- wider evidence for a lower-cased name, and for glue (issue 15, second pass) ----------------------------------

@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # English writes the word only capitalised (the bundled SCOWL lists): no need for the article to say so
        ("The talks with jason went on until late.", "The talks with Jason went on until late."),
        ("The agency said a scottish newspaper had the story first.", "The agency said a Scottish newspaper had the story first."),
        # a word unknown to English that the article writes capitalised, however common the name
        ("Goalkeeper Liam Kelly was rarely tested. Late on liam saved twice.", "Goalkeeper Liam Kelly was rarely tested. Late on Liam saved twice."),
        # a word English also writes in lower case, which the article writes capitalised on its own twice
        ("Members of the Welsh assembly met, and a Welsh farmer spoke. Then the welsh government agreed.",
         "Members of the Welsh assembly met, and a Welsh farmer spoke. Then the Welsh government agreed."),
        # after a name word, where the article writes it capitalised after one elsewhere
        ("The National Weather Service warned of floods. A Prison service spokesman said the jail was dry.",
         "The National Weather Service warned of floods. A Prison Service spokesman said the jail was dry."),
    ],
)
def test_a_lower_cased_name_is_restored_on_the_wider_evidence(repairer: Repairer, scarred: str, restored: str):
    assert repairer.repair("", scarred)[1] == restored


@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        ("The road was shut overnight. Long Roadclosures are expected.", "The road was shut overnight. Long Road closures are expected."),
        ("Rain fell on the Slavicmajority in the east.", "Rain fell on the Slavic majority in the east."),
        ("The boy was flown to San Diegowhere he is in hospital.", "The boy was flown to San Diego where he is in hospital."),
        ("Police said Threemen were arrested.", "Police said Three men were arrested."),
        # a rarer English word after a head the article writes as its own word
        ("The President spoke first. Later the Presidentobliquely referred to it.",
         "The President spoke first. Later the President obliquely referred to it."),
    ],
)
def test_glue_is_split_where_the_head_has_evidence(repairer: Repairer, scarred: str, restored: str):
    assert repairer.repair("", scarred)[1] == restored


@pytest.mark.parametrize(
    "text",
    [
        "The homewear brand grew fast. Its homewear now sells in 80 stores.",  # the article's own word, written twice
        "There was heavy rain in parts of southern Nevada and Southern California.",  # an adjective before a name
        "Sanctions hit a large Russian bank, the World Bank said.",  # after a proper adjective, not a name
        "The UN security council met. The Security Council is the UN's main body.",  # a house style the phrase allows
        "El consejo aprobó el budget del año.",  # untranslated "del" is no "Del" without the article's capital
        # a three-letter word the article writes once each way: a mention of a foreign word as often as a name
        'He said "it rhymes with Twp and Pwp." In Welsh twp means daft and pwp means poo.',
        # a title after an initialism is a title-case phrase, no word capitalised alone (galaxy_dev's clean news)
        'U.S. Secretary of State John Kerry arrived. He met U.N. Secretary-General Ban Ki-moon.\n\n'
        '"The secretary has to try," the official said.',
    ],
)
def test_clean_sentences_pass_through_the_wider_evidence_byte_identical(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


def test_a_title_glued_to_a_name_in_inner_capitals_gets_its_space(repairer: Repairer):
    scarred = "Brands such as Revlon and Dr.PawPaw will be sold."
    assert repairer.repair("", scarred)[1] == "Brands such as Revlon and Dr. PawPaw will be sold."
    clean = "The site runs on ASP.NET and Node.JS today."
    assert repairer.repair("", clean) == ("", clean, [])


# --- a lower-cased name no English list knows, written once (issue 15, third pass) ---------------------------------

@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # beside a capitalised word English does not write in lower case
        ("Supporters, including Prime Minister Zoran zaev, argue for it.", "Supporters, including Prime Minister Zoran Zaev, argue for it."),
        ("There was a hold-up for an injury to ruaridh Knott, who was carried off.",
         "There was a hold-up for an injury to Ruaridh Knott, who was carried off."),
        ("Agency spokesman Sutopo purwo Nugroho told a news conference.", "Agency spokesman Sutopo Purwo Nugroho told a news conference."),
        # beside a capitalised word that is also an English word ("ford")
        ("Still Game star Ford kieran looks set to open a pub.", "Still Game star Ford Kieran looks set to open a pub."),
        # after a preposition of place, at the end of a clause
        ("The attack occurred near a beach in encinitas.", "The attack occurred near a beach in Encinitas."),
        ("The match is at Rhein-Neckar-Arena in sinsheim, Germany.", "The match is at Rhein-Neckar-Arena in Sinsheim, Germany."),
    ],
)
def test_an_unknown_word_where_a_name_stands_is_restored(repairer: Repairer, scarred: str, restored: str):
    assert repairer.repair("", scarred)[1] == restored


@pytest.mark.parametrize(
    "text",
    [
        "The chain fights back against the discounters Aldi and Lidl.",  # an inflection of an English word
        "The violence was started by Russian provocateurs, officials said.",  # after a proper adjective
        "Homes were hit in Israeli airstrikes overnight.",  # a compound of two English words
        "Maybe Putin doesn't understand the situation.",  # part of a contraction
        "The officer was sentenced in absentia last year.",  # after a preposition, but no clause ends there
        "Rangers beat them, and sent flanker Gregor Henry away to score.",  # an English word form before a name
    ],
)
def test_unknown_words_that_are_no_names_keep_their_case(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


@pytest.mark.parametrize(
    "text",
    [
        # a gazetteer phrase ("Crimean Peninsula") whose ordinary last word a house style writes in lower case
        "Since February, Russia has annexed Ukraine's Crimean peninsula and massed troops on the border.",
        # an ordinary word the article writes once each way: house style, no evidence for either
        "A spokesman for the Organization said it would help. Later the organization sent a team.",
        # a capitalised name that splits into a common word and a rarer one
        "Professor Mashood A Baderin, Director of the Centre, spoke first.",
    ],
)
def test_house_style_and_rare_names_are_not_repaired(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


# --- a lower-cased word restored from the name it stands in (issue 15, fourth pass) --------------------------------

@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # a title or month abbreviation with its full stop, a name after a capitalised title abbreviation
        ("The rev. David Johnson led the service.", "The Rev. David Johnson led the service."),
        ("Soldiers fired on the plaza on oct. 2, 1968, officials said.", "Soldiers fired on the plaza on Oct. 2, 1968, officials said."),
        ("Det Insp bob Blemmings said damage was caused.", "Det Insp Bob Blemmings said damage was caused."),
        # inside a title-case phrase: a capitalised word before it, a capitalised ordinary word after it
        ("Anyone with information should call the Newport police Department.", "Anyone with information should call the Newport Police Department."),
        ("He referenced Senate judiciary Committee ranking member Dianne Feinstein.",
         "He referenced Senate Judiciary Committee ranking member Dianne Feinstein."),
        ("The National Center for disaster Prevention warned residents.", "The National Center for Disaster Prevention warned residents."),
        # a surname after a given name, where the article writes the surname capitalised on its own
        ("A deal engineered by Sen. Jeff flake stalled. Many praised Flake for it, and Flake said little.",
         "A deal engineered by Sen. Jeff Flake stalled. Many praised Flake for it, and Flake said little."),
        # a gazetteer phrase the article writes capitalised elsewhere (more than once), this one word lower-cased
        ("He backs the European Union, as the European Union backs him. Life under the European union is safer.",
         "He backs the European Union, as the European Union backs him. Life under the European Union is safer."),
        # a month that is also a word, before a day and a year
        ("Workers vaccinated pigs on may 30, 2005 in Xining.", "Workers vaccinated pigs on May 30, 2005 in Xining."),
        # a word English writes only capitalised between two capitalised words, however short
        ("The match is at Stadio san Paolo in Naples.", "The match is at Stadio San Paolo in Naples."),
        # between capitalised words, where the article writes the pair capitalised elsewhere, if only at a sentence start
        ("Prime Minister Theresa May spoke. Later Britain's Prime minister Theresa May left. Her foreign minister stayed.",
         "Prime Minister Theresa May spoke. Later Britain's Prime Minister Theresa May left. Her foreign minister stayed."),
        # an unknown word in a list of names, before a middle initial, after "the city of" or "such as" at a clause end
        ("It stocks brands such as Revlon, Essie, tweezerman and Dr. PawPaw.", "It stocks brands such as Revlon, Essie, Tweezerman and Dr. PawPaw."),
        ("The bells were first played by a black musician, dionisio A. Lind, who moved on.",
         "The bells were first played by a black musician, Dionisio A. Lind, who moved on."),
        ("The city of palu, which has 380,000 people, was hit.", "The city of Palu, which has 380,000 people, was hit."),
        ("Ash fell on neighbourhoods such as xochimilco.", "Ash fell on neighbourhoods such as Xochimilco."),
        # after "a", a word the article writes capitalised in the same pair elsewhere
        ("Some favoured Welsh Parliament. Others backed calling it a welsh Parliament.",
         "Some favoured Welsh Parliament. Others backed calling it a Welsh Parliament."),
    ],
)
def test_a_word_inside_a_name_is_restored_from_its_neighbours(repairer: Repairer, scarred: str, restored: str):
    assert repairer.repair("", scarred)[1] == restored


@pytest.mark.parametrize(
    "text",
    [
        "Soldiers will march in dec. formation, the notice said.",  # a month abbreviation that is no date: "dec." + word
        "Konstantin von Eggert, an analyst, said so. Mr. von Eggert added more.",  # a name particle stays lower case
        "The death of Osama bin Laden changed the group. Bin Laden had led it.",  # the same after a given name
        "BBC presenter Mark Reed said the show would go on.",  # a role before a name, not inside a phrase
        "Chelsea star Hazard scored twice. Hazard later said he was tired.",  # the name is used alone: a role before it
        "He said the services failed. \"[They] are inefficient and they violated the law.\" They left. They said so.",  # a common word
        "The troops will march 30 miles today.",  # a month that is a word, before a number that is no day and year
        "He was an executive at Microsoft Research and president of Google's China branch.",  # a list of roles
        "It happened after Ukrainian military An-26 and Su-25 jets were shot down.",  # before a designation
        "The Estadio del Sol is full.",  # a name's particle between its capitalised words
        "Theroux wrote the book.",  # a function word and a short word: a name, not glue
        # house style and English words the article also writes capitalised (galaxy_dev's clean news)
        "The UN Security Council met. A clear UN security council demand was ignored.",  # after an acronym
        "Congress passed it, and Congress will vote. A bot called congress-edits watches it.",  # part of a hyphenated word
        "Antigovernment protests grew. In Homs, antigovernment activists said so.",  # a prefixed English word
        "He is professor of law, Université libre de Bruxelles, Belgium.",  # a foreign name's own lower case
    ],
)
def test_words_beside_names_keep_their_case_without_the_shape(repairer: Repairer, text: str):
    assert repairer.repair("", text) == ("", text, [])


def test_a_function_word_glued_to_the_next_word_is_split(repairer: Repairer):
    assert repairer.repair("", "Butdenuclearization negotiations have stalled.")[1] == "But denuclearization negotiations have stalled."
    assert repairer.repair("", "Theiconoclasm of the wars was real.")[1] == "The iconoclasm of the wars was real."


def test_the_case_rules_read_the_text_the_glue_rules_left(repairer: Repairer):
    # split from "Newportpolice", "police" is a second lower-case "police": house style, no capital
    scarred = ("A news release from the Newport Police Department said so. The police arrived. "
               "Anyone with information should contact Newportpolice at 859-292-3680.")
    assert repairer.repair("", scarred)[1] == scarred.replace("Newportpolice", "Newport police")


@pytest.mark.parametrize(
    ("scarred", "restored"),
    [
        # of two splits with the same evidence for the head, the one with the far commoner word after it
        ("A Welsh Conservativesaid his group was open minded.", "A Welsh Conservative said his group was open minded."),
        # a very common word before a longer English word, rather than an unknown head before a common one
        ("A Prison Servicespokesperson said staff were trained.", "A Prison Service spokesperson said staff were trained."),
        # a name English writes only capitalised before a longer English word
        ("He got the remains of Americanservicemen returned home.", "He got the remains of American servicemen returned home."),
    ],
)
def test_glue_splits_where_the_words_are_likeliest(repairer: Repairer, scarred: str, restored: str):
    assert repairer.repair("", scarred)[1] == restored


def test_glue_splits_leave_names_and_split_words_alone(repairer: Repairer):
    for text in ("The Conservatives aid package passed.", "The Servicemaster company grew.", "They met at Ironmeadow yesterday."):
        assert repairer.repair("", text) == ("", text, [])


def test_words_the_translator_left_untranslated_are_not_edited_but_the_punctuation_beside_them_is(repairer: Repairer):
    body = "The land colindante was sold to siromaha in Kiev.Then eldstöðin erupted ."
    spans = [(m.start(), m.end()) for word in ("colindante", "siromaha", "eldstöðin") for m in [__import__("re").search(word, body)]]
    title, repaired, changes = repairer.repair("", body, untranslated=((), spans))
    assert repaired == "The land colindante was sold to siromaha in Kyiv. Then eldstöðin erupted."
    assert {c.rule for c in changes} == {"names:variant", "space:after-punctuation", "punctuation:space-before"}
    _, scarred, _ = repairer.repair("", body)
    assert scarred != repaired  # without the spans the English rules take them for English ("Colin Dante")


def test_a_name_variant_is_replaced_even_where_the_translator_left_it_untranslated(repairer: Repairer):
    body = "President Zelenski visited Kijev on Monday."
    spans = [(10, 18), (27, 32)]
    _, repaired, changes = repairer.repair("", body, untranslated=((), spans))
    assert repaired == "President Zelensky visited Kyiv on Monday."
    assert [c.rule for c in changes] == ["names:variant", "names:variant"]
