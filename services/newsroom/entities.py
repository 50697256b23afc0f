"""An entity filter (``?entity=Egypt``) resolved to the key reports are stored under, as alert rules resolve names.

An id (``Q79``, ``geonames:709717``) or a ``name:`` key is taken as it is. A name goes through the tagger's
gazetteer (any alias, any script); a name it does not know stands for the mentions the tagger left unlinked
with that text, when any stored report has one. Anything else is a 400 that says why, with the nearest names.
"""

from __future__ import annotations

from collections.abc import Callable

from services.alerter.names import ENTITY_ID, EntityNames, normal_id
from services.newsroom.query import QueryError

__all__ = ["resolve_entity"]


def resolve_entity(value: str, names: EntityNames, stored: Callable[[str], bool],
                   surnamed: Callable[[str], list[dict]] | None = None) -> dict:
    """``{"key", "name", "as_written"}`` for ``value``; ``stored(key)`` says whether a stored report names that key,
    ``surnamed(word)`` which stored unlinked names end with that word (a surname given alone: one is that entity)."""
    value = " ".join(value.split())
    if ENTITY_ID.match(value):
        key = normal_id(value)
        return {"key": key, "name": names.known(key), "as_written": value}
    if value.startswith("name:"):
        return {"key": value, "name": None, "as_written": value}
    found = names.resolve(value)
    if found.id is not None:
        return {"key": found.id, "name": found.name, "as_written": value}
    if found.ambiguous:
        ids = ", ".join(f"{i} ({n})" for i, n in found.ambiguous)
        raise QueryError(f"entity: {value!r} is ambiguous: the gazetteer gives that name to {ids}; filter by the id",
                         candidates=[{"key": i, "name": n} for i, n in found.ambiguous])
    from services.tagger.linking import name_key

    key = name_key(value)
    if stored(key):  # a name the gazetteer does not know, as the tagger keys its unlinked mentions
        return {"key": key, "name": value, "as_written": value}
    bare = key.removeprefix("name:")
    full = surnamed(bare) if surnamed is not None and bare and " " not in bare else []
    if len(full) == 1:  # the tagger keyed the surname's mentions under the full name
        return {"key": full[0]["key"], "name": full[0]["name"], "as_written": value}
    if full:
        ids = ", ".join(f"{f['key']} ({f['name']})" for f in full)
        raise QueryError(f"entity: {value!r} is ambiguous: stored reports name {ids}; filter by the key",
                         candidates=[{"key": f["key"], "name": f["name"]} for f in full])
    hint = ""
    if found.suggestions:
        hint = "; did you mean " + " or ".join(f"{alias!r} ({i})" for alias, i, _ in found.suggestions) + "?"
    raise QueryError(f"entity: {value!r} is not a name the gazetteer knows, nor one any stored report mentions unlinked{hint}",
                     suggestions=[{"key": i, "name": n, "alias": alias} for alias, i, n in found.suggestions])
