"""The OpenAPI 3.1 description of the newsroom's JSON API and feeds, served at /api/openapi.json."""

from __future__ import annotations

__all__ = ["openapi_document"]


def _param(name: str, description: str, *, where: str = "query", required: bool = False, schema: dict | None = None) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema or {"type": "string"}}


PAGE = [_param("page", "Page number, from 1.", schema={"type": "integer", "minimum": 1, "default": 1}),
        _param("limit", "Items per page (default WIREWATCH_NEWSROOM__PAGE_SIZE).", schema={"type": "integer", "minimum": 1, "maximum": 200})]
TIME = "ISO 8601 time, or a span back from now: 90m, 24h, 7d."
FILTERS = [
    _param("order", "newest: by latest report; active: by number of reports.", schema={"enum": ["newest", "active"], "default": "newest"}),
    _param("entity", "An entity: its key (a Wikidata QID such as Q79, geonames:<id>, name:<normalized name>) or a name, "
           "resolved through the tagger's gazetteer as alert rules resolve names (Egypt, Putin, any alias in any script); a "
           "name the gazetteer does not know means the mentions left unlinked with that text. A name that is ambiguous, or "
           "unknown and unmentioned, is a 400 (error, with candidates or suggestions); the answer's entity says what was used."),
    _param("people", "1: with an entity that is a country, also the stories naming it only by a word for its people "
           "(Ukrainian, Ukrainians: the tagger's country_id); 0 or absent: only those naming it.", schema={"enum": ["0", "1"]}),
    _param("language", "ISO 639-1 code of a report's original language."),
    _param("source", "Source of a report (feed id, publisher host, or ingest channel)."),
    _param("tag", "Feed tag of a report."),
    _param("rule", "Id of an alert rule that fired for the story."),
    _param("since", "Stories with a report received (fetched) at or after this, whatever its publication time. " + TIME),
    _param("until", "Stories whose first report was received (fetched) at or before this. " + TIME),
    _param("q", "Words that must all appear in a report's English or original title or body; a word typed without "
                "diacritics finds it written with them (Sao Paulo: São Paulo)."),
]
PEOPLE = next(p for p in FILTERS if p["name"] == "people")
# A country in a story's entities (or a report's on the story page) that a word for its people is folded into.
FOLDED = {"type": "array", "description": "Only on a country the same list names by a word for its people too (Russia "
          "and Russian): those words, listed only here, their reports and mentions counted with the country's.",
          "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}}
ETAG = {"ETag": {"description": "Strong validator of the body; send it back in If-None-Match.", "schema": {"type": "string"}}}


def _ok(schema_ref: str, description: str) -> dict:
    return {
        "200": {"description": description, "headers": ETAG,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}},
        "304": {"description": "Not modified: If-None-Match named the current ETag."},
        "400": {"description": "A parameter is wrong; the body says which.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        "401": {"description": "Reads need the bearer token (WIREWATCH_NEWSROOM__REQUIRE_TOKEN)."},
    }


def _not_found(responses: dict) -> dict:
    return {**responses, "404": {"description": "Not found.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}


OBJ = {"type": "object"}
# Which language a report's stored title and body are in: a report in a language no translator reads keeps its
# original text in title and body, so a client must not take them for English.
TITLE_LANGUAGE = {"type": "string", "description": "Language its title is in: en when the report was written in English, "
                  "was translated, or its headline was English already (kept as it was, the body being in another "
                  "language); else the original's (no translator for it: the original title stands in)."}
BODY_LANGUAGE = {"type": "string", "description": "Language its body is in: en when the report was written in English or "
                 "was translated; else the original's (no translator for it: the original body stands in)."}
TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
SCHEMAS = {
    "Error": {"type": "object", "properties": {
        "error": {"type": "string"},
        "candidates": {"type": "array", "description": "An ambiguous entity name: the entities it names (key, name).", "items": OBJ},
        "suggestions": {"type": "array", "description": "An unknown entity name: the nearest names the gazetteer knows "
                        "(key, name, alias).", "items": OBJ}}, "required": ["error"]},
    "EntityRef": {"type": "object", "properties": {"key": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
                                                    "articles": {"type": "integer", "description": "The story's reports naming "
                                                                 "it (or, with people, a word for its people)."},
                                                    "people": FOLDED}},
    "StorySummary": {"type": "object", "properties": {
        "id": {"type": "string"}, "title": {"type": "string", "description": "Title of the story's earliest report whose title "
                                            "reads in English; of its earliest report when none does yet."},
        "title_language": {"type": "string", "description": "Language of title (that of the report it is taken from): en, "
                           "or the original's when no report's title reads in English yet."},
        "first_at": {"type": "string", "format": "date-time", "description": "When its first report was received (fetched)."},
        "last_at": {"type": "string", "format": "date-time", "description": "When its latest report was received (fetched); "
                    "the order of newest and what since filters on."},
        "published_first": {"type": ["string", "null"], "format": "date-time", "description": "Earliest publication time "
                            "of its reports; null when none has one."},
        "published_last": {"type": ["string", "null"], "format": "date-time", "description": "Latest publication time of "
                           "its reports; null when none has one."},
        "article_count": {"type": "integer"}, "languages": {"type": "array", "items": {"type": "string"}},
        "sources": {"type": "array", "items": {"type": "string"}}, "alert_count": {"type": "integer"},
        "published": {"type": "object", "description": "The span of the reports' publication times (first_at and last_at "
                      "above are fetch times); a report without one counts by its fetch time, and unknown says how many did. "
                      "The Atom feeds date a story's entry by it (published, updated).",
                      "properties": {"first_at": {"type": "string", "format": "date-time"},
                                     "last_at": {"type": "string", "format": "date-time"}, "unknown": {"type": "integer"}}},
        "entities": {"type": "array", "items": {"$ref": "#/components/schemas/EntityRef"}, "description": "Most named, at most six."}}},
    "StoryPage": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/StorySummary"}},
        "page": {"type": "integer"}, "next": {"type": ["string", "null"], "description": "Path of the next page, null on the last."},
        "entity": {"type": "object", "description": "With an entity filter: the key it was taken to mean, that entity's "
                   "name, and the filter as written.", "properties": {
                       "key": {"type": "string"}, "name": {"type": ["string", "null"]}, "as_written": {"type": "string"}}}}},
    "Story": {"allOf": [{"$ref": "#/components/schemas/StorySummary"}, {"type": "object", "properties": {
        "articles": {"type": "array", "items": {"$ref": "#/components/schemas/StoryArticle"},
                     "description": "Reports, oldest first (by at): title (in title_language) and original title, language, "
                     "translation provenance, source, url, times, entities, and evidence (why it joined) when the tagger gave it."},
        "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}},
        "timeline": {"type": "array", "items": {"type": "object", "properties": {
            "hour": {"type": "string", "format": "date-time"}, "language": {"type": "string"}, "articles": {"type": "integer"}}}}}}]},
    "StoryArticle": {"type": "object", "description": "One report of a story (its body and changes: /api/articles/{id}).",
                     "properties": {
                         "id": {"type": "string"}, "story_id": {"type": "string"}, "source": {"type": "string"},
                         "url": {"type": ["string", "null"]},
                         "language": {"type": "string", "description": "ISO 639-1 code of the report's original language."},
                         "language_confidence": {"type": ["number", "null"]},
                         "title": {"type": "string", "description": "In English, or in title_language when not translated."},
                         "original_title": {"type": "string"}, "title_language": TITLE_LANGUAGE, "body_language": BODY_LANGUAGE,
                         "translation": {"type": ["object", "null"], "description": "Which engine translated it from which "
                                         "language; null when it was not translated."},
                         "evidence": {"type": ["object", "null"], "description": "Why it joined its story, as the tagger said."},
                         "tags": {"type": "array", "items": {"type": "string"}}, "feed_id": {"type": ["string", "null"]},
                         "published_at": TIME_OR_NULL, "fetched_at": {"type": "string", "format": "date-time"},
                         "at": {"type": "string", "format": "date-time", "description": "Its publication time, or when it was "
                                "received (fetched) when it has none."},
                         "revision": {"type": "integer"},
                         "entities": {"type": "array", "items": {"type": "object", "properties": {
                             "key": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
                             "mentions": {"type": "integer"}, "people": FOLDED}}}}},
    "Article": {"type": "object", "description": "One report with English and original text and every change the normalizer made.",
                "properties": {"id": {"type": "string"}, "story_id": {"type": "string"}, "title": {"type": "string"},
                               "original_title": {"type": "string"}, "body": {"type": "string"}, "original_body": {"type": "string"},
                               "language": {"type": "string"}, "title_language": TITLE_LANGUAGE, "body_language": BODY_LANGUAGE,
                               "changes": {"type": "array", "items": OBJ}, "translation": {"type": ["object", "null"]}}},
    "Entity": {"type": "object", "properties": {
        "key": {"type": "string"}, "name": {"type": "string", "description": "As most of its stored reports name it (of "
                                            "equals, the first in code-point order), as its stories list it."},
        "type": {"type": "string"}, "articles": {"type": "integer"},
        "story_count": {"type": "integer"}, "stories": {"type": "array", "items": {"$ref": "#/components/schemas/StorySummary"}},
        "people": {"type": ["object", "null"], "description": "A country named by a word for its people: the reports (articles) "
                   "and stories that do, and the words; null when none does.", "properties": {
                       "articles": {"type": "integer"}, "stories": {"type": "integer"}, "words": {"type": "array", "items": {"type": "string"}}}},
        "country": {"type": ["object", "null"], "description": "A word for a country's people (name:ukrainian): the "
                    "country (key, name) the reports naming it say; null otherwise.", "properties": {
                        "key": {"type": "string"}, "name": {"type": "string"}}},
        "with_people": {"type": "boolean", "description": "Whether stories include those naming only its people (people=1, or a country only its "
                        "people's words name: those are all it has)."}}},
    "Alert": {"type": "object", "properties": {
        "id": {"type": "string"}, "rule_id": {"type": "string"}, "story_id": {"type": "string"}, "kind": {"type": "string"},
        "sequence": {"type": "integer"}, "fired_at": {"type": "string", "format": "date-time"},
        "title": {"type": "string", "description": "Title of the report that fired it (empty: none), as that report's title "
                  "reads: in English, or in title_language when not translated."},
        "title_language": {"type": ["string", "null"], "description": "Language its title is in: that of the report it is "
                           "taken from (see StoryArticle), as the stored report or else the alert says; null when it has no "
                           "title, or for an alert from an alerter of an older release whose report is not stored."},
        "summary": {"type": "string"}, "matched": {"type": "array", "items": {"type": "string"}}}},
    "AlertPage": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}}, "page": {"type": "integer"},
        "next": {"type": ["string", "null"]}}},
    "Facets": {"type": "object", "properties": {k: {"type": "array", "items": {"type": "string"}} for k in ("languages", "sources", "tags", "rules")}},
}


def openapi_document(base: str) -> dict:
    atom = {"200": {"description": "An Atom feed (RFC 4287).", "content": {"application/atom+xml": {}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "wirewatch newsroom", "version": "1",
                 "description": "Live stories, their reports in every language, entities and alerts. Every GET answers with an "
                 "ETag; lists are paginated with page and limit. Live updates: GET /events (Server-Sent Events)."},
        "servers": [{"url": base}],
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{}, {"bearer": []}],
        "paths": {
            "/api/stories": {"get": {"summary": "Stories, newest or most active, filtered and searched.", "parameters": FILTERS + PAGE,
                                     "responses": _ok("StoryPage", "A page of stories.")}},
            "/api/stories/{story_id}": {"get": {"summary": "One story with its reports, entities, alerts and timeline.",
                                                "parameters": [_param("story_id", "Story id (URL-encoded).", where="path", required=True)],
                                                "responses": _not_found(_ok("Story", "The story."))}},
            "/api/articles/{article_id}": {"get": {"summary": "One report with its changes.",
                                                   "parameters": [_param("article_id", "Article id (URL-encoded).", where="path", required=True)],
                                                   "responses": _not_found(_ok("Article", "The article."))}},
            "/api/entities/{key}": {"get": {"summary": "An entity and its recent stories.",
                                            "parameters": [_param("key", "Entity key (URL-encoded); a name the gazetteer "
                                                                  "knows (NATO, OTAN) is redirected to its key.",
                                                                  where="path", required=True),
                                                           PEOPLE],
                                            "responses": {**_not_found(_ok("Entity", "The entity.")), "303": {
                                                "description": "A name: Location is the entity's key."}}}},
            "/api/alerts": {"get": {"summary": "Alerts, newest first.", "parameters": [
                _param("rule", "Rule id."), _param("story", "Story id."), _param("since", TIME), *PAGE],
                "responses": _ok("AlertPage", "A page of alerts.")}},
            "/api/facets": {"get": {"summary": "Languages, sources, tags and rules present, for filters.",
                                    "responses": _ok("Facets", "The values.")}},
            "/feeds/alerts.atom": {"get": {"summary": "Atom feed of the latest alerts.", "parameters": [_param("rule", "Rule id.")],
                                           "responses": atom}},
            "/feeds/stories.atom": {"get": {"summary": "Atom feed of the stories a query finds (same filters as /api/stories).",
                                            "parameters": FILTERS, "responses": atom}},
            "/feeds/entities/{key}.atom": {"get": {"summary": "Atom feed of the stories about one entity.",
                                                   "parameters": [_param("key", "Entity key (URL-encoded).", where="path", required=True),
                                                                  PEOPLE],
                                                   "responses": atom}},
            "/events": {"get": {"summary": "Server-Sent Events: `story` when a story gets a report or changes, `alert` when "
                                "one fires; data is JSON with story_id. Send Last-Event-ID to resume.",
                                "responses": {"200": {"description": "An event stream.", "content": {"text/event-stream": {}}}}}},
        },
    }
