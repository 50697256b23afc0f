"""Words in lower case around a name that the NER of another language tagged: a title or a common noun spanned with the
name, and the few names news writes in lower case.

- Spanish, French, Italian and Portuguese write a title or a common noun in lower case before a name, and the small
  models span it with the name: "señor Joko", "el ministro Sánchez", "capitaine Halkett", "terremoto de Lombok",
  "volcán Popocatépetl", "tormenta tropical Isaac", "ville de Lyon". The name is what follows: the words in lower case
  before its first capital are cut off, with an article before them and a particle after them ("de", "de la",
  "d’"). A particle inside the name stays ("Charles de Gaulle", "Côte d’Ivoire": the cut ends at the first capital).
  Kept whole: a name the gazetteer or the organisations file knows with those words ("ciudad de México", "union
  européenne"); a span NER typed an organisation, or headed by a noun that names bodies ("asamblea de Gales",
  "ministère de la Défense", "agencia nacional de emergencias": the noun is the body's own name, not a word before
  it); one opening with a definite article only ("la Tierra", "el Norte"); one where no name would be left (a Roman
  numeral or a letter: "stade I", "administratif II").
- What has no capital letter is no name ("province de", "jusqu’"), except a web domain ("weather.com", which is
  written so) and a name the gazetteer or the organisations file knows in any case ("union européenne").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from services.normalize.text import TLDS

__all__ = ["BODY_NOUNS", "is_web_domain", "name_start"]

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
# French "pays de Galles", "pays basque": the noun is part of the region's name.
_NAME_NOUNS = frozenset({"pays"})
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


def name_start(text: str, start: int, end: int, label: str, articles: Collection[str],
               known: Callable[[str], bool]) -> int:
    """Where the name starts in ``text[start:end]``, an NER span of a report in its own language: after the title or
    common noun in lower case (with an article before it and a particle after it) that opens the span ("señor |Joko",
    "terremoto de |Lombok", "el ministro |Sánchez"), or at ``start`` where the span is a name as it is (see the module's
    docstring). ``articles``: the language's definite articles; ``known``: whether the gazetteer or the organisations
    file knows a name."""
    words = [m for m in _WORD.finditer(text, start, end)]
    lead = 0
    while lead < len(words) and words[lead].group(0).lower() in articles:
        lead += 1  # "el", or "El" opening a sentence ("El señor Joko")
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
    head = words[lead].group(0) if lead < i else ""
    rest = text[name:end]
    if (label == "ORG" or head in BODY_NOUNS or head in _NAME_NOUNS or len(rest) < 2 or _ROMAN.fullmatch(rest)
            or known(text[start:end]) or known(text[words[min(lead, i)].start():end])):
        return start
    return name
