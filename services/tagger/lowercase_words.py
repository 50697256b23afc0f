"""Words around a name that the NER of another language tagged with it: a title or a common noun before the name, and
the few names news writes in lower case.

- A title before a person's name is no part of it, capitalised or not: "M. Zaev", "Monsieur Sutopo", "Président
  Erdogan", "Primer Ministro Zoran Zaev", "Capitán Larry Giles", "el señor Joko" are "Zaev", "Sutopo", "Erdogan",
  "Zoran Zaev", "Larry Giles", "Joko" (``TITLES``; a title before "de" names an office, not a person: "Président de
  la Macédoine", "presidente de Francia" stay whole; a place's name left after a title is a person's, as linking
  reads it: "Mme Florence" is a woman, not Florence, personal_titles.py). A monarch's title too ("La Reina Sofía",
  "reine Mathilde" are "Sofía", "Mathilde", as English "Queen Sofia" is "Sofia"), except where it opens the name of a
  place named after the monarch: "el Reina Sofía", "museo Reina Sofía" (``monarch_names_a_place``). A pope's too ("el
  papa Benedicto XVI" is "Benedicto XVI"), but for the whole the gazetteer knows ("el papa Francisco", Pope Francis).
- Spanish, French, Italian and Portuguese write a common noun in lower case before a name, and the small models span
  it with the name: "terremoto de Lombok", "volcán Popocatépetl", "ville de Lyon" (not a storm's word: "tormenta
  tropical Isaac" is the storm, storms.py). The name is what follows: the words in lower case before its first capital are cut off, with an article before them and a
  particle after them ("de", "de la", "d’"). A sentence's or a title's capitalised first word is read so where the
  caller says it is such a noun ("Terremoto de Lombok: ...", opening_words.py; a disaster's word always is,
  ``DISASTER_NOUNS``: "Séisme de Lombok"). A particle inside the name stays ("Charles de Gaulle", "Côte d’Ivoire":
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

__all__ = ["BODY_NOUNS", "DISASTER_NOUNS", "MONARCHS", "NOT_TITLES", "TITLES", "is_web_domain", "monarch_names_a_place", "name_start",
           "only_titles", "word_before"]

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
# Nouns for a disaster, which news names by its place ("Séisme de Lombok", "Terremoto de Lombok", "Inondations au
# Kerala": the place is the name) and a headline opens with: read as a common noun there, capitalised, however rare the
# word (wordfreq has "séisme", "sismo", "tsunami" below the common-word threshold opening_words.py asks of the rest).
# Storms are named events of their own (storms.py).
DISASTER_NOUNS = frozenset("""
    terremoto terremotos sismo sismos seísmo seísmos maremoto tsunami inundación inundaciones incendio incendios
    erupción sequía avalancha alud deslizamiento deslizamientos
    séisme séismes tremblement tsunamis inondation inondations crue crues incendie incendies éruption sécheresse
    avalanche avalanches glissement glissements
    sisma alluvione alluvioni inondazione inondazioni incendi eruzione siccità valanga frana
    tremor inundação inundações enchente enchentes incêndio incêndios erupção deslizamento
""".split())
# Titles before a person's name, capitalised or not ("M. Zaev", "Monsieur Sutopo", "Président Erdogan", "Capitán Larry
# Giles", "señor Joko", "el papa Benedicto XVI"): no part of the name, whatever NER typed the span (English ones:
# mentions.TITLE_WORDS). A pope's too, as English NER leaves "Pope" off "Benedict XVI"; where the gazetteer knows the
# whole ("el papa Francisco", "le pape François": Pope Francis) it stays whole and links. Not "don"/"doña" ("Don Goyo"
# is the volcano's name), nor "general" alone ("General Motors") or "premier" ("Premier League"), nor a monarch's
# (MONARCHS, below).
TITLES = frozenset("""
    señor señora señorita sr. sra. srta. presidente presidenta vicepresidente vicepresidenta ministro ministra canciller
    coronel capitán teniente doctor doctora dr. dra. juez jueza alcalde alcaldesa
    gobernador gobernadora senador senadora diputado diputada secretario secretaria portavoz
    monsieur madame mademoiselle m. mm. mme mme. mlle mlle. président présidente vice-président vice-présidente ministre
    chancelier chancelière capitaine lieutenant docteur juge maire gouverneur sénateur
    sénatrice député députée secrétaire porte-parole directeur directrice
    signor signore signora signorina sig. dott. ministra sindaco governatore deputato
    senhor senhora sr sra dr presidente prefeito governador deputada
    papa pape
""".split())
# Titles of one language that are another word in another: French "papa" is a dad ("Papa Doc", Duvalier; "Papa
# Noël"), its pope "pape".
NOT_TITLES = {"fr": frozenset({"papa"})}
_TITLE_PAIRS = frozenset({"primer ministro", "primera ministra", "premier ministre", "première ministre", "primo ministro",
                          "primeiro ministro", "primeira ministra", "primeiro-ministro"})
# Words that go on a title: "Secretario General", "Président Directeur Général", "príncipe heredero".
_AFTER_TITLE = frozenset({"general", "général", "generale", "geral", "adjunto", "adjunta", "adjoint", "adjointe",
                          "heredero", "heredera", "héritier", "héritière", "ereditario", "herdeiro"})
# A monarch's title is cut off a name as any title is ("la reina Sofía", "reine Mathilde", "el rey Felipe VI" are
# "Sofía", "Mathilde", "Felipe VI", as English "Queen Sofia" is "Sofia"), except where it opens the name of a place or
# an institution named after the monarch: after an article of the other gender ("el Reina Sofía", Madrid's museum, as
# "el museo Reina Sofía"; "la Rey Juan Carlos", the university) or a noun naming such a place ("museo", "hospital",
# "premio", "calle"...: monarch_names_a_place).
_FEMININE_MONARCHS = frozenset("reina princesa infanta reine princesse regina principessa rainha".split())
_MASCULINE_MONARCHS = frozenset("rey príncipe infante roi prince re principe rei".split())
MONARCHS = _FEMININE_MONARCHS | _MASCULINE_MONARCHS
_MASCULINE_ARTICLES = frozenset("el del al un los le du au il lo dello dal allo do ao um".split())
_FEMININE_ARTICLES = frozenset("la una las une della alla dalla da na uma".split())
_PLACE_NOUNS = frozenset("""
    museo hospital estadio premio calle avenida plaza paseo teatro colegio instituto universidad fundación aeropuerto
    puerto parque centro auditorio palacio puente buque barco escuela clínica residencia pabellón canal isla cabo bahía
    musée hôpital stade prix rue avenue place boulevard quai pont théâtre lycée collège institut université fondation
    aéroport parc centre palais navire paquebot école clinique île
    ospedale stadio via viale piazza ponte liceo istituto università fondazione aeroporto porto parco palazzo nave scuola
    museu estádio prêmio prémio rua praça colégio universidade fundação palácio navio escola
""".split())
_PARTICLES = frozenset({"de", "del", "du", "des", "di", "da", "do", "dos", "das", "della", "dei"})
# Words that are part of the name after them: French "pays de Galles", "pays basque"; a monarch's after a noun naming a
# place ("museo Reina Sofía" is the museum's "Reina Sofía").
_NAME_NOUNS = MONARCHS | frozenset({"pays"})
_WORD_BEFORE = re.compile(r"(?:^|[\s(\"“«‘'])(\S+)[ \t]+$")
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


def monarch_names_a_place(title: str, before: str | None) -> bool:
    """Whether the monarch's title ``title`` opens a place's or an institution's name rather than a person's, by the
    word ``before`` it (None at a text's start): an article of the other gender ("el Reina Sofía", "la Rey Juan
    Carlos") or a noun naming a place ("museo Reina Sofía", "Hospital Rey Juan Carlos", "premio Reina Sofía")."""
    title, before = title.casefold(), (before or "").casefold().strip("\"“”«»‘’'(")
    if before in _PLACE_NOUNS:
        return title in MONARCHS
    return (title in _FEMININE_MONARCHS and before in _MASCULINE_ARTICLES) or (
        title in _MASCULINE_MONARCHS and before in _FEMININE_ARTICLES)


def word_before(text: str, at: int) -> re.Match[str] | None:
    """The word right before ``text[at:]`` with only spaces between (its group 1), if any."""
    return _WORD_BEFORE.search(text, max(0, at - 40), at)


def _word_before(text: str, at: int) -> str | None:
    found = word_before(text, at)
    return found.group(1) if found else None


def _titles_end(text: str, words: Sequence[re.Match[str]], first: int, language: str | None = None) -> int:
    """The index of the first word after the titles that open ``words`` at ``first`` (``first`` where none does), in
    ``language``."""
    titles = TITLES - NOT_TITLES.get(language or "", frozenset())
    i = first
    while i < len(words):
        word = words[i].group(0).casefold()
        pair = f"{word} {words[i + 1].group(0).casefold()}" if i + 1 < len(words) else ""
        if pair in _TITLE_PAIRS:
            i += 2
        elif word in MONARCHS and i == first:
            if monarch_names_a_place(word, words[i - 1].group(0) if i else _word_before(text, words[i].start())):
                return i
            i += 1
        elif word in titles or (i > first and word in _AFTER_TITLE):
            i += 1
        else:
            return i
    return i


def only_titles(text: str, start: int, end: int, articles: Collection[str], language: str | None = None) -> bool:
    """Whether ``text[start:end]`` is only titles, after ``articles`` ("Rey", "el Rey", "Presidente"): a title alone,
    the name after it (if any) being none of its words."""
    words = [m for m in _WORD.finditer(text, start, end)]
    lead = 0
    while lead < len(words) and words[lead].group(0).lower() in articles:
        lead += 1
    return lead < len(words) and _titles_end(text, words, lead, language) == len(words)


def name_start(text: str, start: int, end: int, label: str, articles: Collection[str],
               known: Callable[[str], bool], common_opening: bool = False, language: str | None = None) -> int:
    """Where the name starts in ``text[start:end]``, an NER span of a report in its own language: after the titles
    ("M. |Zaev", "Primer Ministro |Zoran Zaev", "el señor |Joko") or the words in lower case (with an article before them
    and a particle after them: "terremoto de |Lombok") that open the span, or at ``start`` where the span is a name as
    it is (see the module's docstring). ``articles``: the language's definite articles; ``known``: whether the
    gazetteer or the organisations file knows a name; ``common_opening``: the span's first word is capitalised only
    because it opens a sentence or a title, a common noun of the language ("Terremoto de |Lombok: ..."), and is read
    as written in lower case; ``language``: the report's, whose own words are no titles (``NOT_TITLES``)."""
    words = [m for m in _WORD.finditer(text, start, end)]
    lead = 0
    while lead < len(words) and words[lead].group(0).lower() in articles:
        lead += 1  # "el", or "El" opening a sentence ("El señor Joko")
    if known(text[start:end]) or (lead < len(words) and known(text[words[lead].start():end])):
        return start
    titled = _titles_end(text, words, lead, language)
    if titled > lead:
        # "Président de la Macédoine", "presidente de Francia": an office, no name; "Premier ministre": nothing after it.
        if titled == len(words):
            return start
        after, rest = words[titled].group(0), text[words[titled].start():end]
        named = after[:1].isupper() and len(rest) >= 2 and not _ROMAN.fullmatch(after)
        return words[titled].start() if named else start
    for i, word in enumerate(words[lead:], lead):
        lowered = word.group(0).lower() if common_opening and i == 0 else word.group(0)
        at = _capital_at(lowered)
        if at is not None:
            break
        if not (lowered.isalpha() and lowered.islower()):
            return start  # "39% de Madrid", "contrÙle de l'Èdition": no title or noun in lower case
    else:
        return start
    name = word.start() + at
    if i <= lead:
        return start  # a capital first, or a definite article before it: "la Tierra", "el Norte", "l’Est"
    head, rest = words[lead].group(0).lower() if common_opening and lead == 0 else words[lead].group(0), text[name:end]
    # A person's "hijo de Trump" is no Trump, as a title's "presidente de Francia" is no France; a disaster is no one's
    # kin, whatever the model typed it ("Séisme de Lombok", PER).
    of_someone = label == "PERSON" and (words[i - 1].group(0) in _PARTICLES or at > 0) and head.lower() not in DISASTER_NOUNS
    if label == "ORG" or head in BODY_NOUNS or head in _NAME_NOUNS or of_someone or len(rest) < 2 or _ROMAN.fullmatch(rest):
        return start
    return name
