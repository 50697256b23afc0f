"""The entity keys of reports stored before the tagger's key rule changed, made again from what the store keeps.

A release that keyed "Foreign Ministry" ``name:ministry`` (every ministry one entity) stored its reports so; the store
keeps each keyed mention's key, name (its canonical name, else its text) and NER label (``articles.entities``), and an
unlinked mention's key is a rule of those (:meth:`services.tagger.demonyms.Demonyms.key_of`): such a report gets its
keys again when the store next opens (``fill_keys``), as the bundled tagger keys the names. What the article's text
around a mention added cannot be made from them (the store keeps no offsets): "Russia's Foreign Ministry" stored by a
release before bodies had countries stays ``name:foreign ministry``, as does "the Foreign Ministry" after "the Russian
Foreign Ministry"; only the tagger reading the report again would give them theirs (README, "Newsroom").

The mark says by which rule (``KEY_RULE``): a report keyed by an earlier rule gets what changed since, made from its
stored keys, so that what the text added stays: rule 2 keys British spellings as American (``name:israel defence
forces`` becomes ``name:israel defense forces``, spellings.key_word), rule 3 by spellings table 2 (``name:national
programme`` becomes ``name:national program``, ``name:paediatric centre`` ``name:pediatric center``), rule 4 keys a
state office of any remit named by its country by the country's adjective (``name:u.s. federal aviation
administration`` becomes ``name:american federal aviation administration``), where the stored key is its name's as
written (:func:`rebodied`); rule 5 keys "labour" as "labor" in an office's name (``name:labour ministry`` becomes
``name:labor ministry``, :func:`respelt`; "Labour Party" stays), an office named with "for ..." by its country's
adjective (``name:u.s agency for international development`` becomes ``name:american agency for international
development``), and another name of an organisations-file state body by the body's own (``name:state duma`` becomes
``name:duma``, as "la Douma" and "Douma d'État" are), both by :func:`rebodied`. Rule 5 also gives a city's own office
named after its possessive the city's key, not its country's ("Moscow's Health Department": ``name:moscow health
department``, was ``name:russian health department``); that came from the article's text, so a stored report keeps it.
Rule 6 keys a portfolio ministry or department in one word order (``name:ministry of foreign affairs`` and
``name:russian ministry of defence`` become ``name:foreign ministry`` and ``name:russian defense ministry``, as
"Foreign Ministry" and "Russian Defence Ministry" are; ``portfolios.portfolio_first``): made from the stored key by
:func:`respelt`, so a key the text gave ("Russia's Ministry of Foreign Affairs": ``name:russian ministry of foreign
affairs``) is reordered too, and from the stored name for an unmarked report (:func:`rekeyed`). Rule 6 also keys a
name of an organisations-file state body after its own country's word by the body's (``name:russian state duma`` and
``name:israeli knesset`` become ``name:duma`` and ``name:knesset``), from the stored name by :func:`rebodied`; and it
keys a city's own office by the gazetteer's name of the city ("Kiev's Health Department": ``name:kyiv health
department``), which the article's text gave, so a stored report keeps its key. Rule 6 keys a portfolio ministry
named with its country after it by the country's adjective ("Ministry of Health of Brazil": ``name:brazilian health
ministry``), from the stored name by :func:`rebodied` (one whose country the text gave apart, "Ministry of Foreign
Affairs" "of Ukraine", keeps ``name:foreign ministry``), and a country's "Ministry of Internal Affairs" as its interior
ministry (``name:russian ministry of internal affairs`` becomes ``name:russian interior ministry``) by :func:`respelt`;
"Department of State", now linked as the "State Department" is, keeps ``name:state department`` (a re-key links
nothing). Rule 7 keys any state body named with its country after it as the country's word before it keys it ("Armed
Forces of Ukraine", "Central Bank of Russia", "Supreme Court of India": ``name:ukrainian armed forces``, ``name:russian
central bank``, ``name:indian supreme court``), from the stored name by :func:`rebodied` (a bank named by its country
alone, "Bank of China", keeps its name's key; one whose country the text gave apart, "Armed Forces" "of Ukraine", keeps
``name:armed forces``). Rule 8 keys a bare legislature, top court or ministry of an article about one country as that
country's ("Parliament" in a report on Britain: ``name:british parliament``, named "British Parliament"; "the Senate" of a
Washington report: the U.S. Senate's QID), which the article gave, so a stored report keeps ``name:parliament``; and a
name given the type most of its mentions have the key that type's mentions get (a NORP "Springboks" a rule-7 tagger
keyed ``name:springboks`` as the team it first took it for: ``name:springbok``), from the stored name by
:func:`rebodied`. Rule 9 keys "commerce" and "treasury" ministries and departments in one word order (``name:department
of commerce`` becomes ``name:commerce department``) and a British doubled l as the American (``name:counselling
service`` becomes ``name:counseling service``; not "traveller", spellings.key_word), both from the stored key by
:func:`respelt`; a reserve bank or the People's Bank with its country after it by the country's adjective ("Reserve Bank
of India": ``name:indian reserve bank``) from the stored name by :func:`rebodied`. What rule 9 took from the text, a
department of a report datelined in the United States ("the Treasury Department": ``name:american treasury
department``) and a "Parliament" named beside its chamber ("the State Duma, the lower house of Parliament":
``name:russian parliament``), a stored report keeps as it was; so does a watchdog's name with its country after it that
an earlier rule keyed by the country ("Human Rights Commission of Pakistan": ``name:pakistani human rights
commission``), as the key is no longer its name's own (:func:`rebodied`), until rule 11. Rule 10 keys a body of a country whose
people's words are nouns only by the country's adjective (``name:new zealander reserve bank`` becomes ``name:new zealand
reserve bank``; Hong Kong, Liechtenstein, the Solomon Islands, Greenland, Kiribati, Vanuatu, Lesotho likewise), from
the stored key by :func:`respelt`, so a body the text gave its country keeps what the text gave. What rule 10 took from
the text, a bare "Treasury" of a US or British report (``name:american treasury department``, ``name:british
treasury``), a stored report keeps as ``name:treasury``. Rule 11 keys a "Treasury" named by its country as the
country's (``name:u.s treasury`` and ``name:us treasury`` become ``name:american treasury department``, the US Treasury
Department's; ``name:uk treasury`` becomes ``name:british treasury``), from the stored name by :func:`rebodied`; and it
makes again a key an earlier rule gave a name with its country after it by the country's adjective, though the key is
not the name's own ("Human Rights Commission of Pakistan" stored as ``name:pakistani human rights commission`` becomes
``name:human rights commission of pakistan``: the key came from the name, not the text). What rule 11 took from the
text, an organisations-file body with another country's word right before it ("the Ukrainian Duma", NER's "Ukrainian"
and "Duma": ``name:ukrainian duma``, no country), a stored report keeps as ``name:duma``.

A delivered report is marked ``message:N`` by the store's rule N, whichever rule the tagger keyed it by: the store makes
its ``name:`` keys by the steps an earlier rule's mark gets (:func:`by_this_rule`) as it writes it
(:func:`delivered_keys`), a no-op on keys this rule made. So in a rolling upgrade that starts the newsroom first, a
report of the older tagger is stored as the new tagger would key it, what its text added kept as above; one a newsroom
of the older rule stores meanwhile is marked by that rule, and made again when a replica of this one next starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

import orjson

from services.newsroom.records import ArticleRow, EntityRow

__all__ = ["KEY_RULE", "KEYS_FROM_MESSAGE", "KEYS_FROM_NAMES", "by_this_rule", "delivered_keys", "fill_keys",
           "load_tables", "rebodied", "rekeyed", "respelt"]

# The tagger's key rule: 1 (``message``, ``names``): a state body keeps its portfolio and its country's adjective;
# 2: British spellings keyed as American; 3: by spellings table 2 ("programme", "fibre", "paediatric"); 4: a state
# office of any remit ("Federal Protective Service", "Federal Aviation Administration") named by its country keyed by
# the country's adjective; 5: "labour" keyed "labor" in an office's name, an office named with "for ..." keyed by its
# country's adjective, another name of an organisations-file state body keyed by the body's ("State Duma": "Duma");
# 6: a portfolio ministry or department keyed in one word order ("Ministry of Foreign Affairs": "Foreign Ministry"),
# an organisations-file body's name after its country's word keyed by the body's ("Russian State Duma": "Duma"), a
# portfolio ministry with its country after it keyed by the country's adjective ("Ministry of Health of Brazil"), a
# country's "Ministry of Internal Affairs" keyed as its interior ministry; 7: any state body with its country after it
# keyed by the country's adjective ("Armed Forces of Ukraine": "Ukrainian Armed Forces"); 8: a bare legislature, top
# court or ministry of an article about one country keyed as that country's ("Parliament": "British Parliament"), a
# name given its mentions' type keyed as that type's mentions are (NORP "Springboks": ``name:springbok``); 9: "commerce"
# and "treasury" portfolios ("Department of Commerce": "Commerce Department"), a reserve bank or the People's Bank with its
# country after it keyed by the country's adjective ("Reserve Bank of India": "Indian Reserve Bank"), a British doubled l
# keyed as the American ("Counselling Service": ``name:counseling service``), no country for a watchdog's "Human Rights
# Commission of Pakistan", and a department of a US-datelined report or a "Parliament" beside its chamber keyed by its
# country (from the text); 10: a body of a country whose people's words are nouns keyed by its adjective ("Reserve Bank
# of New Zealand": "New Zealand Reserve Bank", not "New Zealander Reserve Bank"; demonyms.yaml's ``adjective``), and a
# bare "Treasury" of a US or British report keyed by its country (from the text); 11: a "Treasury" named by its country
# keyed by it ("U.S. Treasury": "American Treasury Department"), a watchdog's key an earlier rule gave by the country
# after its name made again ("Human Rights Commission of Pakistan"), and an organisations-file body with another
# country's word right before it keyed by the words, with no country ("Ukrainian Duma"; from the text).
KEY_RULE = 11
# How a report's entity keys came (``articles.keys_from``): as the delivered message gave them (an older tagger's made
# by this rule as the report is stored: delivered_keys), or made again from its stored names, by rule ``KEY_RULE``.
# NULL: a report stored before the column (or by an older replica in a rolling upgrade); ``message`` or ``names``: by
# rule 1; ``message:N`` or ``names:N``: by rule N.
KEYS_FROM_MESSAGE, KEYS_FROM_NAMES = f"message:{KEY_RULE}", f"names:{KEY_RULE}"
# The marks of earlier rules that kept the keys made with the text: such a report is respelt and rebodied, and marked
# by this rule.
_EARLIER = {f"{how}{mark}": f"{how}:{KEY_RULE}" for how in ("message", "names")
            for mark in ("", *(f":{rule}" for rule in range(2, KEY_RULE)))}


def rekeyed(mentions: list[dict], key_of: Callable[[str, str], str | None]) -> list[dict]:
    """The stored mentions (key, name, type) with each ``name:`` key made again from its name and type by ``key_of``;
    a linked mention (a QID) keeps its key."""
    out = []
    for m in mentions:
        key = key_of(m["name"], m["type"]) if m["key"].startswith("name:") else None
        out.append({**m, "key": key} if key and key != m["key"] else m)
    return out


def respelt(mentions: list[dict]) -> list[dict]:
    """The stored mentions with each ``name:`` key's British spellings keyed as American by the running spellings
    table (rule 3 after rule 1 or 2, a no-op on rule 3's keys: keying a key again gives what keying the name would,
    spellings.key_words), "labour" as "labor" in an office's name (rule 5: ``name:labour ministry``), and a portfolio
    ministry or department in the order "Foreign Ministry" has (rule 6: ``name:ministry of foreign affairs`` becomes
    ``name:foreign ministry``, portfolios.portfolio_first)."""
    from services.tagger.portfolios import portfolio_first
    from services.tagger.spellings import key_words

    out = []
    for m in mentions:
        key = "name:" + portfolio_first(key_words(m["key"][5:])) if m["key"].startswith("name:") else m["key"]
        key = _readjectived(key) if m["type"] != "NORP" else key
        out.append({**m, "key": key} if key != m["key"] else m)
    return out


@lru_cache(maxsize=1)
def _adjectives_were() -> dict[str, str]:
    """The key's opening an earlier rule gave a body of a country whose people's words are nouns, by the noun (``name:new
    zealander ``), and the one its adjective gives now (``name:new zealand ``: rule 10, demonyms.yaml's ``adjective``)."""
    import yaml

    from services.tagger.demonyms import BUNDLED_DEMONYMS
    from services.tagger.linking import name_key

    rows = yaml.safe_load(BUNDLED_DEMONYMS.read_text(encoding="utf-8"))["demonyms"]
    return {f"{name_key(row['demonyms'][0])} ": f"{name_key(row['adjective'])} " for row in rows
            if "adjective" in row and row["adjective"] != row["demonyms"][0]}


def _readjectived(key: str) -> str:
    """A body's key that opens with its country's people's noun opened with the country's adjective instead (rule 10:
    ``name:new zealander reserve bank`` becomes ``name:new zealand reserve bank``); a people's word alone
    (``name:new zealander``) is no body's and stays."""
    for was, now in _adjectives_were().items():
        if key.startswith(was):
            return now + key[len(was):]
    return key


def rebodied(mentions: list[dict], key_of: Callable[[str, str], str | None],
             key_after: Callable[[str], str | None] | None = None) -> list[dict]:
    """The stored mentions with each ``name:`` key that is its name's as written (``name_key``) made again by ``key_of``
    (rule 4, after :func:`respelt`): a state office named by its country gets the key the country's adjective gives
    (rule 5: also one named with "for ...", "U.S. Agency for International Development"), and another name of an
    organisations-file state body the body's key (rule 5: "State Duma", ``name:duma``; rule 6: also after its country's
    word, "Russian State Duma"), and a body named with its country after it the country's adjective's (rule 6: a
    portfolio ministry, "Ministry of Health of Brazil"; rule 7: any, "Armed Forces of Ukraine"); a key the article's
    text gave ("name:russian foreign ministry" for "Foreign Ministry") is no name's own and stays. A key an earlier
    rule made from a name with its country after it by the country's adjective (``key_after``, by default the bundled
    tagger's :meth:`~services.tagger.demonyms.Demonyms.adjective_key_after`: the watchdog "Human Rights Commission of
    Pakistan" stored as ``name:pakistani human rights commission``, rule 11) came from the name too, and is made
    again."""
    from services.tagger.linking import name_key

    out = []
    for m in mentions:
        key = (key_of(m["name"], m["type"]) if m["key"].startswith("name:") and _names_own(m, name_key, key_after)
               else None)
        out.append({**m, "key": key} if key and key != m["key"] else m)
    return out


def _names_own(mention: dict, name_key: Callable[[str], str], key_after: Callable[[str], str | None] | None) -> bool:
    """Whether a stored mention's key was made from its name alone: the name's as written, or the one its country's
    name after "of" gives by the country's adjective (only such a name is looked at: the tables load once)."""
    if mention["key"] == name_key(mention["name"]):
        return True
    if " of " not in mention["name"]:
        return False
    return mention["key"] == (key_after or _key_after())(mention["name"])


def by_this_rule(mentions: list[dict], key_of: Callable[[str, str], str | None]) -> list[dict]:
    """The mentions with each ``name:`` key an earlier rule made as this rule makes it from the key: :func:`respelt`, then
    :func:`rebodied`. A no-op on keys this rule made (each step is), so it may be run on any delivered report. Each
    mention's key is made from its own key, name and label alone (:func:`delivered_keys` remembers it so)."""
    return rebodied(respelt(mentions), key_of)


@lru_cache(maxsize=1)
def _demonyms() -> Any:
    """The bundled tagger's demonyms and state bodies (:class:`~services.tagger.demonyms.Demonyms`), loaded once a process
    (a few seconds)."""
    from services.tagger.demonyms import Demonyms
    from services.tagger.gazetteer import Gazetteer

    return Demonyms.load(Gazetteer.load())


@lru_cache(maxsize=1)
def _key_of() -> Callable[[str, str], str | None]:
    """The bundled tagger's key of a name (:meth:`~services.tagger.demonyms.Demonyms.key_of`): a store names the same
    bodies and people again and again, so each name's key is worked out once."""
    return lru_cache(maxsize=1 << 16)(_demonyms().key_of)


@lru_cache(maxsize=1)
def _key_after() -> Callable[[str], str | None]:
    """The bundled tagger's :meth:`~services.tagger.demonyms.Demonyms.adjective_key_after`, each name worked out once."""
    return lru_cache(maxsize=1 << 16)(_demonyms().adjective_key_after)


def load_tables() -> None:
    """Load what keying a delivered report needs (:func:`_key_of`, a few seconds and about 100 MB), so that a worker
    does it as it starts, not at the first report naming an unlinked entity."""
    _key_of()


@lru_cache(maxsize=1 << 16)
def _delivered_key(key: str, name: str, type_: str) -> str:
    """The key :func:`by_this_rule` gives a mention: the same names come again and again, each keyed (``name_key``, the
    most of a write's cost) once."""
    return by_this_rule([{"key": key, "name": name, "type": type_}], _key_of())[0]["key"]


def delivered_keys(row: ArticleRow) -> ArticleRow:
    """A delivered report's row with its keys made by this rule (:func:`by_this_rule`), so that ``message:N`` is true
    whichever tagger keyed it: in a rolling upgrade that starts the newsroom first, an older tagger's "Israel Defence
    Forces" (``name:israel defence forces``) is stored as a current one's (``name:israeli defense forces``), in the
    report's mentions and its entity rows, those of a key it changed counted again from the mentions. The row as it
    is when no key changes (a current tagger's report)."""
    mentions = orjson.loads(row.values["entities"])
    if not any(m["key"].startswith("name:") for m in mentions):
        return row
    new = [{**m, "key": key} if m["key"].startswith("name:") and (key := _delivered_key(m["key"], m["name"], m["type"])) != m["key"]
           else m for m in mentions]
    if new == mentions:
        return row
    keys = {k for m, n in zip(mentions, new) if n is not m for k in (m["key"], n["key"])}
    entities = [e for e in row.entities if e.key not in keys] + [EntityRow(*found) for found in _rows(new, keys)]
    return replace(row, values={**row.values, "entities": orjson.dumps(new).decode()}, entities=entities)


def _rows(mentions: list[dict], keys: set[str]) -> list[tuple[str, str, str, int]]:
    """(key, name, type, mentions) of ``keys`` from a report's mentions, as the tagger's salience counts an unlinked
    entity's: its mentions, named by the longest of their names."""
    found: dict[str, list] = {}
    for m in mentions:
        if m["key"] in keys:
            row = found.setdefault(m["key"], [m["name"], m["type"], 0])
            row[2] += 1
            if len(m["name"]) > len(row[0]):
                row[0] = m["name"]
    return [(key, name, type_, count) for key, (name, type_, count) in found.items()]


def fill_keys(cur: Any, sql: Callable[[str], str]) -> int:
    """Make again the ``name:`` keys of each report not keyed by rule ``KEY_RULE`` in its mentions, its entity rows and
    the entity directory, and mark it; return how many reports had a key changed. Unmarked: from its stored names
    (:func:`rekeyed`, by the bundled tagger's table and gazetteer); marked by an earlier rule: from its stored keys
    (:func:`respelt`, then :func:`rebodied`). Idempotent: a report marked by this rule is not read again. The caller
    holds the transaction."""
    current = (KEYS_FROM_MESSAGE, KEYS_FROM_NAMES)
    unmade = f"keys_from IS NULL OR keys_from NOT IN ('{current[0]}', '{current[1]}')"
    for rule in range(1, KEY_RULE):  # earlier rules' (rule 1's: keys_from IS NULL)
        cur.execute(f"DROP INDEX IF EXISTS articles_keys_unmade{'' if rule == 1 else f'_{rule}'}")
    cur.execute(f"CREATE INDEX IF NOT EXISTS articles_keys_unmade_{KEY_RULE} ON articles (id) WHERE {unmade}")
    cur.execute(f"SELECT id FROM articles WHERE {unmade}")
    ids = [r[0] for r in cur.fetchall()]
    if not ids:
        return 0
    key_of = _key_of()
    changed, gone = 0, set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ", ".join("?" for _ in chunk)
        cur.execute(sql(f"SELECT id, story_id, entities, fetched_at, keys_from FROM articles WHERE id IN ({marks})"), chunk)
        rows = cur.fetchall()
        for mark in {row[4] for row in rows}:  # earlier rules' marks become this rule's; NULL becomes names
            which = "keys_from IS NULL" if mark is None else "keys_from = ?"
            cur.execute(sql(f"UPDATE articles SET keys_from = ? WHERE id IN ({marks}) AND {which}"),
                        [_EARLIER.get(mark, KEYS_FROM_NAMES), *chunk, *([] if mark is None else [mark])])
        for article_id, story_id, stored, fetched_at, mark in rows:
            mentions = orjson.loads(stored)
            new = rekeyed(mentions, key_of) if mark not in _EARLIER else by_this_rule(mentions, key_of)
            if new == mentions:
                continue
            old_keys = {m["key"] for m in mentions} - {m["key"] for m in new}
            keys = {k for m, n in zip(mentions, new) if n is not m for k in (m["key"], n["key"])}
            marks_k = ", ".join("?" for _ in keys)
            cur.execute(sql(f"DELETE FROM article_entities WHERE article_id = ? AND key IN ({marks_k})"), [article_id, *keys])
            entity_rows = _rows(new, keys)
            cur.executemany(sql("INSERT INTO article_entities (article_id, story_id, key, name, type, mentions, at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                            [(article_id, story_id, key, name, type_, count, fetched_at)
                             for key, name, type_, count in entity_rows])
            cur.executemany(sql("INSERT INTO entities (key, name, type, last_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO "
                                "UPDATE SET last_at = CASE WHEN excluded.last_at > entities.last_at THEN excluded.last_at "
                                "ELSE entities.last_at END"),
                            [(key, name, type_, fetched_at) for key, name, type_, _ in entity_rows])
            cur.execute(sql("UPDATE articles SET entities = ? WHERE id = ?"), (orjson.dumps(new).decode(), article_id))
            gone |= old_keys
            changed += 1
    # A key no report has any more ("name:ministry") leaves the entity directory: its page would list nothing.
    for key in sorted(gone):
        cur.execute(sql("DELETE FROM entities WHERE key = ? AND NOT EXISTS (SELECT 1 FROM article_entities WHERE key = ?)"),
                    (key, key))
    return changed
