"""The feeds config: a YAML file (or an OPML import) listing the feeds to poll, validated with line numbers.

```yaml
defaults: {min_interval_s: 300, max_interval_s: 3600}
feeds:
  - id: efe-es
    url: https://www.example.es/rss/portada.xml
    language: es
    tags: [agency, spain]
    min_interval_s: 120
  - id: newsapi-us
    url: https://newsapi.org/v2/top-headlines?country=us&pageSize=100
    headers: {X-Api-Key: "${NEWSAPI_KEY}"}
  - id: guardian            # an API with its own names: where its entries are, and which field is which
    url: https://content.guardianapis.com/search?show-fields=bodyText&api-key=${GUARDIAN_KEY}
    items: response.results
    fields: {title: webTitle, url: webUrl, published_at: webPublicationDate, body: fields.bodyText}
```
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from services.ingest.json_fields import check_field_map
from services.runtime.codec import describe_validation_error
from services.runtime.settings import environment
from services.runtime.text import interpolate, kind_of
from services.runtime.yaml_trouble import yaml_trouble

__all__ = ["FeedConfig", "FeedDefaults", "FeedsFile", "FeedsConfigError", "load_feeds", "parse_feeds", "parse_opml", "feeds_to_yaml"]

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Headers a feed cannot set: the request's framing, and the conditional headers polling sends itself.
_OURS = frozenset({"host", "content-length", "transfer-encoding", "connection", "if-none-match", "if-modified-since"})


class FeedsConfigError(ValueError):
    """The feeds file is not valid; ``problems`` lists every problem, each naming its line and feed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class FeedDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_interval_s: float = Field(default=300.0, gt=0, description="Never poll a feed more often than this.")
    max_interval_s: float = Field(default=3600.0, gt=0, description="Never poll a feed less often than this.")
    full_text: Literal["auto", "always", "never"] = "auto"


class FeedConfig(BaseModel):
    """One feed to poll. ``id`` is the article ``source`` and the metric label."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    url: str
    language: str | None = Field(default=None, description="Language hint for the feed's articles.")
    tags: tuple[str, ...] = ()
    min_interval_s: float | None = Field(default=None, gt=0)
    max_interval_s: float | None = Field(default=None, gt=0)
    full_text: Literal["auto", "always", "never"] | None = Field(
        default=None, description="auto: fetch the article page when an entry carries only a summary."
    )
    enabled: bool = True
    websub_secret: str | None = Field(default=None, description="Secret for X-Hub-Signature when a hub pushes this feed.")
    headers: dict[str, str] = Field(
        default_factory=dict, repr=False,
        description="HTTP headers sent with every poll of this feed (a news API's key: X-Api-Key, Authorization), "
                    "to the feed's own origin only, never shown.",
    )

    fields: dict[str, str] = Field(
        default_factory=dict,
        description="A JSON API's own field names: article field -> where it is in an entry "
                    "({title: headline, body: content.text}); the fields not named are read by the usual names.",
    )
    items: str | None = Field(
        default=None, description="Where a JSON API's answer keeps its list of entries (response.results), when it is "
                                  "not under articles, results, data or docs.",
    )

    def __hash__(self) -> int:  # frozen, but ``headers`` and ``fields`` are dicts
        return hash((self.id, self.url))

    @field_validator("headers", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: Any) -> Any:
        # YAML reads an all-digit key as a number; a header's value is text.
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in value.items()}
        return value

    @field_validator("headers")
    @classmethod
    def _header_shape(cls, value: dict[str, str]) -> dict[str, str]:
        seen: dict[str, str] = {}
        for name, text in value.items():
            if not _TOKEN.match(name):
                raise ValueError(f"header name {name!r} is not an HTTP token (letters, digits and !#$%&'*+.^_`|~-)")
            if name.lower() in _OURS:
                raise ValueError(f"header {name!r} is set by wirewatch itself and cannot be given")
            if name.lower() in seen:
                raise ValueError(f"header {name!r} is given twice (as {seen[name.lower()]!r} too): names ignore case")
            if any(c in text for c in "\r\n\0"):
                raise ValueError(f"header {name!r}: a value cannot hold a line break or NUL")
            seen[name.lower()] = name
        return value

    @field_validator("fields", mode="before")
    @classmethod
    def _field_map(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"must map article fields to the feed's names ({{title: headline, body: content.text}}), "
                             f"got {kind_of(value, yaml=True)}")
        return check_field_map(value)

    @field_validator("items", mode="before")
    @classmethod
    def _items_path(cls, value: Any) -> Any:
        if value is not None and (not isinstance(value, str) or any(not k.strip() for k in value.split("."))):
            raise ValueError(f"must be a field path like 'response.results' (a dot goes one level down), got {value!r}")
        return value

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.strip()

    @model_validator(mode="after")
    def _bounds(self) -> FeedConfig:
        if self.min_interval_s and self.max_interval_s and self.min_interval_s > self.max_interval_s:
            raise ValueError(f"min_interval_s {self.min_interval_s} is above max_interval_s {self.max_interval_s}")
        return self

    def bounds(self, defaults: FeedDefaults) -> tuple[float, float]:
        low = self.min_interval_s or defaults.min_interval_s
        high = self.max_interval_s or defaults.max_interval_s
        return low, max(low, high)


@dataclass(frozen=True)
class FeedsFile:
    feeds: tuple[FeedConfig, ...]
    defaults: FeedDefaults

    def by_id(self) -> dict[str, FeedConfig]:
        return {f.id: f for f in self.feeds}


def _line_of_items(text: str) -> list[int]:
    """1-based line of each item under ``feeds:`` (or of a file that is a bare list of feeds), so errors can point at it."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if isinstance(root, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in root.value]
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "feeds" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


# The fields that may name environment variables (a key in an API's URL or headers, a hub's secret).
_EXPANDED = ("url", "websub_secret", "headers")


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return interpolate(value, env)
    if isinstance(value, dict):
        return {k: interpolate(v, env) if isinstance(v, str) else v for k, v in value.items()}
    return value


def parse_feeds(text: str, *, name: str = "feeds.yaml", env: Mapping[str, str] | None = None) -> FeedsFile:
    """Validate a feeds file; every problem is reported at once, each as ``name:line: feed "id": why``.

    A feed's ``url``, ``websub_secret`` and ``headers`` values may use ``${VAR}`` and ``${VAR:-default}`` (the environment, or ``env``):
    a news API's key stays out of the file."""
    env = environment() if env is None else env
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FeedsConfigError([yaml_trouble(exc, text).at(name)]) from None  # as the rules and gazetteer files say it
    if doc is None:
        doc = {}
    if isinstance(doc, list):
        doc = {"feeds": doc}
    if not isinstance(doc, dict):
        raise FeedsConfigError([f"{name}: expected a mapping with a 'feeds' list, got {kind_of(doc, yaml=True)}"])
    problems: list[str] = []
    unknown = sorted(set(doc) - {"feeds", "defaults"})
    if unknown:
        keys = ", ".join(repr(str(k)) for k in unknown)
        meant = [m for k in unknown for m in difflib.get_close_matches(str(k), ["feeds", "defaults"], n=1)]
        hint = " (it looks like a rules file: `wirewatch rules check` reads those)" if "rules" in unknown else \
            f" (did you mean {' and '.join(map(repr, meant))}?)" if meant else ""
        problems.append(f"{name}: unknown top-level key{'s' if len(unknown) > 1 else ''} {keys}: a feeds file has only "
                        f"'feeds' and 'defaults'{hint}")
    try:
        defaults = FeedDefaults.model_validate(doc.get("defaults") or {})
    except ValidationError as exc:
        problems.append(f"{name}: defaults: {describe_validation_error(exc)}")
        defaults = FeedDefaults()
    items = doc.get("feeds") or []
    if not isinstance(items, list):
        raise FeedsConfigError(problems + [f"{name}: 'feeds' must be a list"])
    lines = _line_of_items(text)
    feeds: list[FeedConfig] = []
    first_line: dict[str, int] = {}
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else None
        where = f"{name}:{line}" if line else name
        label = f'feed "{item.get("id")}"' if isinstance(item, dict) and item.get("id") else f"feeds[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: {label}: expected a mapping with id and url")
            continue
        try:
            item = {k: _expand(v, env) if k in _EXPANDED else v for k, v in item.items()}
        except KeyError as exc:
            problems.append(f"{where}: {label}: environment variable {exc.args[0]} is not set and has no default")
            continue
        try:
            feed = FeedConfig.model_validate(item)
        except ValidationError as exc:
            problems.append(f"{where}: {label}: {describe_validation_error(exc)}")
            continue
        if feed.id in first_line:
            problems.append(f'{where}: feed "{feed.id}": duplicate id, first defined at line {first_line[feed.id]}')
            continue
        first_line[feed.id] = line or 0
        low, high = feed.bounds(defaults)
        if low > high:
            problems.append(f'{where}: feed "{feed.id}": min interval {low} is above max interval {high}')
            continue
        feeds.append(feed)
    if problems:
        raise FeedsConfigError(problems)
    return FeedsFile(tuple(feeds), defaults)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip().lower()).strip("-._")
    return slug[:80] or "feed"


def parse_opml(data: bytes, *, name: str = "feeds.opml") -> list[FeedConfig]:
    """Feeds from an OPML subscription list; folders become tags. Entities are never expanded."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedsConfigError([f"{name}: not valid OPML: {exc}"]) from None
    if root is None or root.find("body") is None:
        raise FeedsConfigError([f"{name}: not OPML: no <body>"])
    if not re.search(rb"</\s*opml\s*>", data, re.IGNORECASE):
        # The lenient parser reads what a cut-off file holds: its feeds would be silently fewer.
        lines = data.count(b"\n") + 1
        raise FeedsConfigError([f"{name}:{lines}: not valid OPML: it ends before its closing </opml> (cut off?)"])
    feeds: list[FeedConfig] = []
    problems: list[str] = []
    used: set[str] = set()

    def walk(node: Any, tags: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl")
            label = outline.get("title") or outline.get("text") or ""
            if url:
                base = _slug(label or (urlsplit(url).hostname or "feed"))
                ident, n = base, 2
                while ident in used:
                    ident, n = f"{base}-{n}", n + 1
                used.add(ident)
                try:
                    feeds.append(FeedConfig(id=ident, url=url, tags=tags, language=outline.get("language") or None))
                except ValidationError as exc:
                    problems.append(f'{name}:{outline.sourceline}: feed "{ident}": {describe_validation_error(exc)}')
            else:
                walk(outline, tags + ((label,) if label else ()))

    walk(root.find("body"), ())
    if problems:
        raise FeedsConfigError(problems)
    return feeds


def feeds_to_yaml(feeds: Iterable[FeedConfig]) -> str:
    items = [f.model_dump(exclude_defaults=True, mode="json") | {"id": f.id, "url": f.url} for f in feeds]
    return yaml.safe_dump({"feeds": items}, sort_keys=False, allow_unicode=True)


def load_feeds(path: Path) -> FeedsFile:
    """A feeds file from disk: YAML, or OPML when it looks like one."""
    data = path.read_bytes()
    if path.suffix.lower() in (".opml", ".xml") or data.lstrip()[:5] in (b"<?xml", b"<opml"):
        return FeedsFile(tuple(parse_opml(data, name=str(path))), FeedDefaults())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # a binary file, or another encoding: said as the rules file says it
        raise FeedsConfigError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    return parse_feeds(text, name=str(path))
