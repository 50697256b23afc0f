"""Words around a name that the NER of another language tagged with it: a title or a common noun before the name, and
the few names news writes in lower case.

- A title before a person's name is no part of it, capitalised or not: "M. Zaev", "Monsieur Sutopo", "Président
  Erdogan", "Primer Ministro Zoran Zaev", "Capitán Larry Giles", "el señor Joko" are "Zaev", "Sutopo", "Erdogan",
  "Zoran Zaev", "Larry Giles", "Joko" (``TITLES``; a title before "de" names an office, not a person: "Président de
  la Macédoine", "presidente de Francia" stay whole; a place's name left after a title is a person's, as linking
  reads it: "Mme Florence" is a woman, not Florence, personal_titles.py).
- Spanish, French, Italian and Portuguese write a common noun in lower case before a name, and the small models span
  it with the name: "terremoto de Lombok", "volcán Popocatépetl", "tormenta tropical Isaac", "ville de Lyon". The name
  is what follows: the words in lower case before its first capital are cut off, with an article before them and a
  particle after them ("de", "de la", "d’"). A particle inside the name stays ("Charles de Gaulle", "Côte d’Ivoire":
  the cut ends at the first capital). Kept whole: a span NER typed an organisation, or headed by a noun that names
  bodies ("asamblea de Gales", "ministère de la Défense", "agencia nacional de emergencias": the noun is the body's own
  name, not a word before it); a person's span whose words in lower case end in a particle ("hijo de Trump" is no
  Trump); one opening with a definite article only ("la Tierra", "el Norte"); one where no name would be left (a
  Roman numeral or a letter: "stade I", "administratif II").
- Neither cut is made in a name the gazetteer or the organisations file knows as it is ("ciudad de México", "union
  européenne").
- What has no capital letter is no name ("province de", "jusqu’"), except a web domain ("weather.com", which is
  written so) and a name the gazetteer or the organisations file knows in any case ("union européenne").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from services.normalize.text import TLDS

__all__ = ["BODY_NOUNS", "TITLES", "is_web_domain", "name_start"]

# Nouns that head the name of a body in these languages, written in lower case in running text ("el ministerio de
# Defensa", "le ministère de la Défense", "la asamblea de Gales"): the span is the body, not a word before a name.
BODY_NOUNS = frozenset("""
    ministerio departamento gobierno asamblea consejo congreso senado cámara tribunal corte comisión comité agencia
    oficina secretaría banco universidad partido instituto fondo junta ayuntamiento policía ejército servicio parlamento
    fiscalía organización federación asociación sindicato fundación
    ministère département gouvernement assemblée conseil congrès sénat chambre cour commission agence office bureau
    secrétariat banque université parti institut fonds mairie police armée service parlement parquet organisation
    fédération association syndicat fondation préfecture
    ministero dipartimento governo assemblea consiglio congresso senato camera tribunale commissione comitato agenzia
    ufficio segreteria banca università partito istituto comune polizia esercito servizio procura organizzazione
    federazione associazione sindacato fondazione
    ministério assembleia conselho câmara comissão comitê agência escritório secretaria universidade fundo prefeitura
    polícia exército serviço procuradoria organização federação associação fundação
""".split())
# Titles before a person's name, capitalised or not ("M. Zaev", "Monsieur Sutopo", "Président Erdogan", "Capitán Larry
# Giles", "señor Joko"): no part of the name, whatever NER typed the span (English ones: mentions.TITLE_WORDS). Not
# "don"/"doña" ("Don Goyo" is the volcano's name), nor "general" alone ("General Motors") or "premier" ("Premier League"),
# nor a monarch's or pope's (_NAME_NOUNS).
TITLES = frozenset("""
    señor señora señorita sr. sra. srta. presidente presidenta vicepresidente vicepresidenta ministro ministra canciller
    coronel capitán teniente doctor doctora dr. dra. juez jueza alcalde alcaldesa
    gobernador gobernadora senador senadora diputado diputada secretario secretaria portavoz
    monsieur madame mademoiselle m. mm. mme mme. mlle mlle. président présidente vice-président vice-présidente ministre
    chancelier chancelière capitaine lieutenant docteur juge maire gouverneur sénateur
    sénatrice député députée secrétaire porte-parole directeur directrice
    signor signore signora signorina sig. dott. ministra sindaco governatore deputato
    senhor senhora sr sra dr presidente prefeito governador deputada
""".split())
_TITLE_PAIRS = frozenset({"primer ministro", "primera ministra", "premier ministre", "première ministre", "primo ministro",
                          "primeiro ministro", "primeira ministra", "primeiro-ministro"})
# Words that go on a title: "Secretario General", "Président Directeur Général".
_AFTER_TITLE = frozenset({"general", "général", "generale", "geral", "adjunto", "adjunta", "adjoint", "adjointe"})
_PARTICLES = frozenset({"de", "del", "du", "des", "di", "da", "do", "dos", "das", "della", "dei"})
# Words that are part of the name after them: French "pays de Galles", "pays basque"; a monarch's or a pope's title
# before a given name ("la reina Sofía" is no Sofia, "el papa Francisco" no Francisco).
_NAME_NOUNS = frozenset("pays rey reina príncipe princesa infanta infante papa roi reine prince princesse pape re regina "
                        "principe principessa rei rainha princesa".split())
_WORD = re.compile(r"\S+")
_ROMAN = re.compile(r"[IVXLCDM]+")
_ELIDED_CAPITAL = re.compile(r"[^\W\d_]+['’](?=[^\W\d_])")
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,})")


def is_web_domain(span: str) -> bool:
    """A bare web domain in lower case, as news writes a site's name ("weather.com", "bbc.co.uk"); not a URL with its
    path, nor an abbreviation ("p.ej")."""
    match = _DOMAIN.fullmatch(span)
    return match is not None and match.group(1) in TLDS


def _capital_at(word: str) -> int | None:
    """Where the name starts in ``word``: at its first letter if that is a capital, after an elided particle before a
    capital ("d’Ornon", "l’Union"); None for a word in lower case (or another: "39%", "contrÙle")."""
    if word[0].isupper():
        return 0
    elided = _ELIDED_CAPITAL.match(word)
    if elided and elided.group(0)[:-1].islower() and word[elided.end()].isupper():
        return elided.end()
    return None


def _titles_end(words: Sequence[re.Match[str]], first: int) -> int:
    """The index of the first word after the titles that open ``words`` at ``first`` (``first`` where none does)."""
    i = first
    while i < len(words):
        word = words[i].group(0).casefold()
        pair = f"{word} {words[i + 1].group(0).casefold()}" if i + 1 < len(words) else ""
        if pair in _TITLE_PAIRS:
            i += 2
        elif word in TITLES or (i > first and word in _AFTER_TITLE):
            i += 1
        else:
            return i
    return i


def name_start(text: str, start: int, end: int, label: str, articles: Collection[str],
               known: Callable[[str], bool]) -> int:
    """Where the name starts in ``text[start:end]``, an NER span of a report in its own language: after the titles
    ("M. |Zaev", "Primer Ministro |Zoran Zaev", "el señor |Joko") or the words in lower case (with an article before them
    and a particle after them: "terremoto de |Lombok") that open the span, or at ``start`` where the span is a name as
    it is (see the module's docstring). ``articles``: the language's definite articles; ``known``: whether the
    gazetteer or the organisations file knows a name."""
    words = [m for m in _WORD.finditer(text, start, end)]
    lead = 0
    while lead < len(words) and words[lead].group(0).lower() in articles:
        lead += 1  # "el", or "El" opening a sentence ("El señor Joko")
    if known(text[start:end]) or (lead < len(words) and known(text[words[lead].start():end])):
        return start
    titled = _titles_end(words, lead)
    if titled > lead:
        # "Président de la Macédoine", "presidente de Francia": an office, no name; "Premier ministre": nothing after it.
        if titled == len(words):
            return start
        after, rest = words[titled].group(0), text[words[titled].start():end]
        named = after[:1].isupper() and len(rest) >= 2 and not _ROMAN.fullmatch(after)
        return words[titled].start() if named else start
    for i, word in enumerate(words[lead:], lead):
        at = _capital_at(word.group(0))
        if at is not None:
            break
        if not (word.group(0).isalpha() and word.group(0).islower()):
            return start  # "39% de Madrid", "contrÙle de l'Èdition": no title or noun in lower case
    else:
        return start
    name = word.start() + at
    if i <= lead:
        return start  # a capital first, or a definite article before it: "la Tierra", "el Norte", "l’Est"
    head, rest = words[lead].group(0), text[name:end]
    # A person's "hijo de Trump" is no Trump, as a title's "presidente de Francia" is no France.
    of_someone = label == "PERSON" and (words[i - 1].group(0) in _PARTICLES or at > 0)
    if label == "ORG" or head in BODY_NOUNS or head in _NAME_NOUNS or of_someone or len(rest) < 2 or _ROMAN.fullmatch(rest):
        return start
    return name
