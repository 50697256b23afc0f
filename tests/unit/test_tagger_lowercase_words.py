"""A report tagged in its own language: a title or common noun the model spans with a name ("M. Zaev", "señor Joko",
"terremoto de Lombok", "el ministro Sánchez") is no part of it, while an office ("Président de la Macédoine"), a body
named with its noun ("ministère de la Défense"), a name the gazetteer knows so ("ciudad de México") and particles
inside names ("Charles de Gaulle") stay; of the spans with no capital, a web domain and a name the organisations file
knows are names still."""

from __future__ import annotations

import pytest

from services.tagger.gazetteer import GazetteerEntry, fold
from services.tagger.lowercase_words import is_web_domain
from services.tagger.mentions import Mention
from services.tagger.opening_words import trim_opening_words

_KNOWN = {fold(entry.aliases[0]): entry for entry in (
    GazetteerEntry(id="Q1489", name="Mexico City", type="GPE", aliases=("Ciudad de México",)),
    GazetteerEntry(id="Q2044", name="Florence", type="GPE", aliases=("Florence",)),
    GazetteerEntry(id="Q39259", name="Recep Tayyip Erdoğan", type="PERSON", aliases=("Erdogan",)),
    GazetteerEntry(id="Q450675", name="Pope Francis", type="PERSON", aliases=("papa Francisco",)),
)}


def _known(name: str) -> GazetteerEntry | None:
    return _KNOWN.get(fold(name))


def trimmed(language: str, text: str, span: str, label: str = "GPE", organisations: frozenset[str] = frozenset()) -> list[str]:
    start = text.index(span)
    mentions = [Mention(start, start + len(span), label)]
    return [text[m.start:m.end] for m in trim_opening_words(language, text, mentions, known=_known, pos=lambda at: None,
                                                            organisations=organisations)]


@pytest.mark.parametrize(("language", "text", "span", "label", "name"), [
    ("es", "La administración del señor Joko busca la reelección.", "señor Joko", "PERSON", "Joko"),
    ("es", "Después del terremoto de Lombok, llegó la ayuda.", "terremoto de Lombok", "GPE", "Lombok"),
    ("es", "Ayer el ministro Sánchez viajó a Bruselas.", "el ministro Sánchez", "PERSON", "Sánchez"),
    ("es", "Habló con el presidente Macron en París.", "presidente Macron", "PERSON", "Macron"),
    ("es", "La ceniza del volcán Popocatépetl llegó a Puebla.", "volcán Popocatépetl", "GPE", "Popocatépetl"),  # a storm's stays: test_tagger_storms.py
    ("fr", "Les habitants de la ville de Lyon ont manifesté.", "ville de Lyon", "GPE", "Lyon"),
    ("fr", "La communauté de la Mission de France le connaît.", "communauté de la Mission de France", "GPE", "Mission de France"),
    ("fr", "Elle sépare la dépression du col d’Ornon.", "col d’Ornon", "GPE", "Ornon"),
    ("es", "Sus declaraciones.\n\nEl señor Joko también habló.", "El señor Joko", "PERSON", "Joko"),
    ("fr", "« C’est fini », a déclaré M. Zaev après le vote.", "M. Zaev", "PERSON", "Zaev"),
    ("fr", "Monsieur Sutopo, le porte-parole, a parlé.", "Monsieur Sutopo", "PERSON", "Sutopo"),
    ("fr", "La visite du Président Erdogan en Allemagne.", "Président Erdogan", "PERSON", "Erdogan"),
    ("es", "Incluido el Primer Ministro Zoran Zaev, los partidarios votaron.", "Primer Ministro Zoran Zaev", "ORG", "Zoran Zaev"),
    ("es", "El socorrista, el Capitán Larry Giles, habló.", "Capitán Larry Giles", "GPE", "Larry Giles"),
    ("es", "Presidente Macron dijo que no.", "Presidente Macron", "PERSON", "Macron"),  # opening a sentence too
    ("es", "Ministro Sánchez viajó a Bruselas.", "Ministro Sánchez", "PERSON", "Sánchez"),
    # Florence the city is no part of it: linking reads a place's name after a title as a person's (personal_titles.py)
    ("fr", "Le projet est important, a déclaré Mme Florence au journal.", "Mme Florence", "PERSON", "Florence"),
    # a monarch's title too, as English "Queen Sofia" is "Sofia" (linking keeps "Sofía" a woman: personal_titles.py)
    ("es", "La Reina Sofía visitó el hospital.", "La Reina Sofía", "PERSON", "Sofía"),
    ("es", "Ayer la reina Sofía visitó el hospital.", "la reina Sofía", "PERSON", "Sofía"),
    ("fr", "La reine Mathilde a visité l’hôpital.", "reine Mathilde", "PERSON", "Mathilde"),
    ("fr", "Hier, la Reine Mathilde a visité l’hôpital.", "Reine Mathilde", "PERSON", "Mathilde"),
    ("es", "Ayer el príncipe heredero Mohamed bin Salmán habló.", "príncipe heredero Mohamed bin Salmán", "PERSON",
     "Mohamed bin Salmán"),
    ("es", "Ayer visitamos el museo Reina Sofía con los niños.", "museo Reina Sofía", "GPE", "Reina Sofía"),  # the museum's
])
def test_a_title_or_common_noun_before_a_name_is_cut_off_capitalised_or_not(language: str, text: str, span: str, label: str, name: str) -> None:
    assert trimmed(language, text, span, label) == [name]


@pytest.mark.parametrize(("language", "text", "span", "label"), [
    ("fr", "Charles de Gaulle a reçu le président.", "Charles de Gaulle", "PERSON"),
    ("fr", "Le président de la Côte d’Ivoire est arrivé.", "Côte d’Ivoire", "GPE"),
    ("es", "El gobierno de la ciudad de México cerró las escuelas.", "ciudad de México", "GPE"),  # the gazetteer's name
    ("fr", "Le porte-parole du département de la Défense a démenti.", "département de la Défense", "GPE"),  # a body
    ("es", "Un miembro de la asamblea de Gales criticó la decisión.", "asamblea de Gales", "ORG"),
    ("fr", "Il a joué au pays de Galles.", "pays de Galles", "GPE"),
    ("es", "La misión volvió a la Tierra.", "la Tierra", "GPE"),
    ("fr", "Elle circule à l’Est, vers la côte.", "l’Est", "GPE"),
    ("fr", "Le match au stade I a eu lieu.", "stade I", "GPE"),  # no name would be left
    ("fr", "Le Président de la Macédoine a parlé.", "Président de la Macédoine", "PERSON"),  # an office
    ("es", "Habló el presidente de Francia ayer.", "presidente de Francia", "PERSON"),
    ("es", "Llegó el hijo de Trump ayer.", "hijo de Trump", "PERSON"),  # not Trump
    ("fr", "Le Premier ministre a parlé.", "Premier ministre", "PERSON"),  # no name after it
    ("es", "La ceniza de Don Goyo llegó a Puebla.", "Don Goyo", "GPE"),  # the volcano's name
    # a monarch's title opening the name of a place named after the monarch: Madrid's museum, a university, a hospital
    ("es", "Ayer visitamos el Reina Sofía con los niños.", "Reina Sofía", "ORG"),
    ("es", "Ayer visitamos el Reina Sofía con los niños.", "el Reina Sofía", "ORG"),
    ("es", "Las obras del Reina Sofía terminaron.", "Reina Sofía", "PERSON"),
    ("es", "Estudia en la Rey Juan Carlos desde 2019.", "Rey Juan Carlos", "ORG"),
    ("es", "Ingresó en el Hospital Reina Sofía de Córdoba.", "Reina Sofía", "GPE"),
    ("es", "Ayer el papa Francisco recibió al presidente.", "el papa Francisco", "PERSON"),  # the gazetteer's, with his title
    ("fr", "Le club joue en Premier League.", "Premier League", "ORG"),
])
def test_an_office_or_a_name_written_with_its_word_stays_whole(language: str, text: str, span: str, label: str) -> None:
    assert trimmed(language, text, span, label) == [span]


def test_a_web_domain_and_a_name_the_organisations_file_knows_stay_in_lower_case() -> None:
    text = "Tal como se comunica en weather.com y según la agencia dpa, el partido laborista calla."
    assert trimmed("es", text, "weather.com") == ["weather.com"]
    assert trimmed("es", text, "dpa", "ORG", organisations=frozenset({fold("dpa")})) == ["dpa"]
    assert trimmed("es", text, "partido laborista", "ORG", organisations=frozenset({fold("dpa")})) == []


@pytest.mark.parametrize(("span", "domain"), [
    ("weather.com", True), ("bbc.co.uk", True), ("news.sky.com", True),
    ("p.ej", False), ("weather.com/news", False), ("julio.in", False), ("etc.", False),
])
def test_a_web_domain_is_a_bare_host_name_with_a_known_top_level_domain(span: str, domain: bool) -> None:
    assert is_web_domain(span) is domain
