"""One typed settings object for every service, read from ``WIREWATCH_*`` variables.

Nested sections use ``__``: ``WIREWATCH_TAGGER__SPACY_MODEL=en_core_web_sm``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from typing import Literal, get_args

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, DotEnvSettingsSource, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from services.alerter.settings import AlerterSettings
from services.ingest.settings import IngestSettings
from services.newsroom.settings import NewsroomSettings
from services.normalize.settings import NormalizeSettings, unknown_backends, unknown_repair_rules
from services.runtime.errors import WirewatchError
from services.runtime.setting_values import env_text, read_short_forms
from services.tagger.settings import TaggerSettings

__all__ = [
    "environment",
    "environment_origins",
    "KafkaSecurity",
    "Topics",
    "dlq",
    "Settings",
    "get_settings",
    "describe",
    "values",
    "secret_variables",
    "variable_for",
    "explain",
    "InvalidSettings",
    "OTHER_VARIABLES",
    "unknown_variables",
    "load_settings",
]


class Topics(BaseModel):
    """Topic names. A topic X has its dead letters in ``X.dlq``."""

    raw: str = Field(default="articles.raw", description="Articles as ingest found them (RawArticle).")
    normalized: str = Field(default="articles.normalized", description="Clean English articles (NormalizedArticle).")
    tagged: str = Field(default="articles.tagged", description="Articles with entities and story (TaggedArticle).")
    stories: str = Field(default="tagger.stories", description="Tagged articles on their way to story assignment, all under one key (TaggedArticle).")
    matches: str = Field(default="alerter.matches", description="Rule matches keyed by rule and story, before de-duplication (Alert).")
    alerts: str = Field(default="alerts", description="Alerts, one per rule and story (Alert).")

    def all(self) -> list[str]:
        main = [self.raw, self.normalized, self.stories, self.tagged, self.matches, self.alerts]
        return main + [dlq(t) for t in main]


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


class KafkaSecurity(BaseModel):
    """How to reach a secured Kafka cluster: TLS, SASL, or both."""

    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."
    )
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = Field(default="PLAIN", description="SASL mechanism.")
    sasl_username: str | None = Field(default=None, description="SASL user name.")
    sasl_password: SecretStr | None = Field(default=None, description="SASL password (never logged).")
    ssl_cafile: Path | None = Field(default=None, description="CA bundle to trust for the brokers' certificates (default: the system's).")
    ssl_certfile: Path | None = Field(default=None, description="Client certificate, for mutual TLS.")
    ssl_keyfile: Path | None = Field(default=None, description="Client certificate's private key.")
    ssl_check_hostname: bool = Field(default=True, description="Check that the broker's certificate names its host.")


class Settings(BaseSettings):
    # An empty variable counts as unset, so `FOO=` in an env file or compose does not break a typed setting.
    # ./.env is read too (the file compose reads); a variable in the environment wins over its line there.
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", env_nested_delimiter="__", extra="ignore", env_ignore_empty=True,
                                      env_file=".env", env_file_encoding="utf-8")

    broker: str = Field(default="", description="Kafka bootstrap servers, host:port[,host:port]. Empty: start the embedded broker.")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):  # type: ignore[no-untyped-def]
        path = env_file()
        if path is None:
            return init_settings, read_short_forms(env_settings), file_secret_settings
        if path != Path(".env"):
            dotenv_settings = DotEnvSettingsSource(settings_cls, env_file=path)
        return init_settings, read_short_forms(env_settings), read_short_forms(dotenv_settings), file_secret_settings

    partitions: int = Field(default=4, description="Partitions of each topic wirewatch creates: the most workers of one service that share the work.")
    replication_factor: int = Field(default=1, description="Replication factor of the topics wirewatch creates (3 on a production cluster).")
    session_timeout_s: float = Field(
        default=10.0,
        description="Consumer group session timeout. Short, so a dead worker's partitions move quickly; "
        "the embedded broker also waits about half the rebalance timeout when a group forms.",
    )
    commit_interval_s: float = Field(
        default=1.0, gt=0,
        description="How often consumed offsets are committed: what a killed worker re-processes (Faust's default is 2.8 s).",
    )
    fetch_max_wait_ms: int = Field(
        default=100, ge=0,
        description="How long a consumer's fetch may wait for more data; each pipeline hop can pay it once per article "
        "(Faust's own default is 1500 ms).",
    )
    producer_one_record_per_batch: bool = Field(
        default=True,
        description="Send each record in a batch of its own. The embedded broker (Tansu 0.6.0) reports a partition's end "
        "offset as its last batch's first offset + 1, so Faust, restoring a table up to it, would miss the later records "
        "of a batch after a restart. Costs throughput nothing at news rates; set false on Apache Kafka.",
    )
    rebalance_timeout_s: float = Field(default=10.0, description="How long a group rebalance may take before slow members are dropped.")
    stall_after_s: float = Field(
        default=120.0, description="A partition behind its high-water mark that has not moved for this long is stalled (/readyz fails)."
    )
    web_host: str = Field(default="127.0.0.1", description="Address of the HTTP server (/metrics, POST /ingest); 0.0.0.0 in containers.")
    web_port: int = Field(default=6066, ge=0, le=65535, description="Port of the HTTP server; each worker on one host needs its own.")
    web_any_port_if_taken: bool = Field(
        default=False, description="When the web port is taken, listen on any free one instead of failing (as `wirewatch "
        "demo` asks); the worker prints the address it listens on. Needs WIREWATCH_TABLE_DIR (or "
        "WIREWATCH_TABLE_STORE=memory): the tables' default directory is named after the web port.")
    data_dir: Path = Field(
        default=Path(".wirewatch"),
        description="Where the worker keeps its local state: the tables' RocksDB files (unless table_dir says "
        "otherwise), the alerter's endpoint states, the newsroom's SQLite store.",
    )
    table_store: Literal["rocksdb", "memory"] = Field(
        default="rocksdb",
        description="Where tables (stories, alert dedupe, seen articles) live: `rocksdb` keeps them on disk under data_dir "
        "with the changelog offset they hold, so a worker restarted after the broker lost its log (the embedded broker "
        "keeps nothing across a restart) still has them; `memory` restores them from the changelog at each start.",
    )
    table_dir: Path | None = Field(
        default=None,
        description="Where this worker keeps its RocksDB tables. Each worker needs its own: Faust locks a table "
        "partition's file, and a worker that only reads its offset (as a standby) locks out the one that owns it. "
        "Default: `<data_dir>/<app id>/tables-<web_port>`, the web port being the one setting each worker on a host has "
        "of its own; a restarted worker finds its tables there again when it keeps its port.",
    )
    log_level: str = Field(default="info", description="debug, info, warning or error.")
    kafka: KafkaSecurity = Field(default_factory=KafkaSecurity)
    topics: Topics = Field(default_factory=Topics)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    normalize: NormalizeSettings = Field(default_factory=NormalizeSettings)
    tagger: TaggerSettings = Field(default_factory=TaggerSettings)
    alerter: AlerterSettings = Field(default_factory=AlerterSettings)
    newsroom: NewsroomSettings = Field(default_factory=NewsroomSettings)

    @model_validator(mode="after")
    def _tables_of_a_worker_that_may_move(self) -> "Settings":
        if self.web_any_port_if_taken and self.table_store == "rocksdb" and self.table_dir is None:
            # Two workers that gave way from one port would share its tables-<port>, which Faust locks.
            raise ValueError("WIREWATCH_WEB_ANY_PORT_IF_TAKEN needs WIREWATCH_TABLE_DIR (or WIREWATCH_TABLE_STORE=memory): "
                             "the tables' default directory is named after the web port")
        return self

    @field_validator("broker")
    @classmethod
    def _broker_addresses(cls, value: str) -> str:
        from services.runtime.error_words import bootstrap_problem

        problem = bootstrap_problem(value) if value else None  # empty: the embedded broker
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("normalize")
    @classmethod
    def _known_backends_and_rules(cls, value: NormalizeSettings) -> NormalizeSettings:
        # Here, not on NormalizeSettings: code (and tests) may hand the registry backends of their own by name.
        problems = unknown_backends(value) + unknown_repair_rules(value)
        if problems:
            raise ValueError("; ".join(problems))
        return value


def describe(model: type[BaseModel] = None, prefix: str = "WIREWATCH_"):  # type: ignore[assignment]
    """(variable, default, meaning) for every setting, nested sections flattened with ``__``; defaults as written in a variable."""
    for name, field in (model or Settings).model_fields.items():
        if _is_section(field.annotation):
            yield from describe(field.annotation, f"{prefix}{name.upper()}__")
            continue
        default = field.default_factory() if field.default_factory is not None else field.default
        yield f"{prefix}{name.upper()}", "(unset)" if default in (None, "") else env_text(default), field.description or ""


def values(settings: BaseModel, prefix: str = "WIREWATCH_"):
    """(variable, value) for every setting in force, in the order of ``describe``; values as pydantic holds them."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            yield from values(value, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}", value


def _is_section(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def variable_for(loc: tuple[int | str, ...]) -> tuple[str, str]:
    """The variable a validation error's location names, and what is left of the location (a list index, a dict key)."""
    model: type[BaseModel] = Settings
    prefix = "WIREWATCH_"
    for i, part in enumerate(loc):
        field = model.model_fields.get(str(part))
        if field is None:
            return prefix.removesuffix("__").removesuffix("_"), ".".join(map(str, loc[i:]))
        if not _is_section(field.annotation):
            return f"{prefix}{str(part).upper()}", ".".join(map(str, loc[i + 1:]))
        model, prefix = field.annotation, f"{prefix}{str(part).upper()}__"
    return prefix.removesuffix("__"), ""


def explain(exc: ValidationError | SettingsError, limit: int = 3) -> str:
    """A settings error in one line: which variable, and why."""
    if isinstance(exc, SettingsError):
        # pydantic-settings could not decode a variable as JSON: 'error parsing value for field "tagger" from source ...'.
        field = str(exc).split('"')[1] if str(exc).count('"') >= 2 else ""
        cause = f": {exc.__cause__}" if exc.__cause__ is not None else ""
        return f"WIREWATCH_{field.upper()}: not valid JSON{cause}" if field else str(exc)
    parts = []
    for err in exc.errors()[:limit]:
        variable, rest = variable_for(tuple(err["loc"]))
        why = err["msg"].removeprefix("Value error, ")
        if why.startswith(variable):
            parts.append(why)
            continue
        given = err.get("input")
        shown = f" (got {given!r})" if isinstance(given, (str, int, float)) and repr(given) not in why \
            and variable not in set(secret_variables()) else ""
        parts.append(f"{variable}{f' item {rest}' if rest else ''}: {why}{shown}")
    if exc.error_count() > limit:
        parts.append(f"... and {exc.error_count() - limit} more")
    return "; ".join(parts)


def secret_variables(model: type[BaseModel] = None, prefix: str = "WIREWATCH_"):  # type: ignore[assignment]
    """The variables whose setting is a secret (SecretStr): never printed, never logged."""
    for name, field in (model or Settings).model_fields.items():
        if _is_section(field.annotation):
            yield from secret_variables(field.annotation, f"{prefix}{name.upper()}__")
        elif field.annotation is SecretStr or SecretStr in get_args(field.annotation):
            yield f"{prefix}{name.upper()}"


# WIREWATCH_* variables that are not settings: the webhook URL and secret the example rules file and compose name,
# and the benchmarks' own.
ENV_FILE_VARIABLE = "WIREWATCH_ENV_FILE"
OTHER_VARIABLES = (ENV_FILE_VARIABLE, "WIREWATCH_WEBHOOK_URL", "WIREWATCH_WEBHOOK_SECRET", "WIREWATCH_DEVDATA", "WIREWATCH_BENCH_VIA_MAKE")


def unknown_variables(names: Iterable[str], also_known: Iterable[str] = ()) -> list[tuple[str, str | None]]:
    """Each WIREWATCH_* name in ``names`` that sets nothing, with the closest variable that does (or None).

    A dict setting's keys may be set one by one (WIREWATCH_NORMALIZE__TRANSLATION__FR), a section as one JSON object
    (WIREWATCH_TAGGER); ``also_known`` are names a rules or feeds file reads.
    """
    settings = [name for name, _, _ in describe()]
    dicts = [name for name, value in values(Settings.model_construct()) if isinstance(value, dict)]
    sections = [f"WIREWATCH_{name.upper()}" for name, field in Settings.model_fields.items() if _is_section(field.annotation)]
    known = {*settings, *sections, *OTHER_VARIABLES, *(n.upper() for n in also_known)}
    unknown = []
    for name in names:
        upper = name.upper()
        if not upper.startswith("WIREWATCH_") or upper in known or any(upper.startswith(f"{d}__") for d in dicts):
            continue
        close = difflib.get_close_matches(upper, settings, n=1, cutoff=0.8)
        unknown.append((name, close[0] if close else None))
    return unknown


class InvalidSettings(WirewatchError):
    """A WIREWATCH_* variable (or .env line) that does not make a valid setting; the message is one line."""


def environment() -> Mapping[str, str]:
    """The variables a rules or feeds file's ``${VAR}`` reads: ``./.env``'s, the environment winning (as settings)."""
    return {**_dot_env(), **os.environ}


def environment_origins() -> dict[str, str]:
    """Where each variable of ``environment()`` comes from: ``"environment"``, or ``"./.env"`` when only that sets it."""
    return {**dict.fromkeys(os.environ, "environment"), **{name: "./.env" for name in _dot_env() if name not in os.environ}}


def env_file() -> Path | None:
    """The env file settings read: ``./.env``, or the one ``WIREWATCH_ENV_FILE`` names (empty: none; the tests set
    that, so a ``.env`` kept in the checkout for compose does not reach them)."""
    named = os.environ.get(ENV_FILE_VARIABLE)
    return Path(".env") if named is None else (Path(named) if named else None)


def _dot_env() -> dict[str, str]:
    from dotenv import dotenv_values

    path = env_file()
    return {k: v for k, v in dotenv_values(path).items() if v is not None} if path is not None and path.is_file() else {}


def load_settings(**overrides: object) -> Settings:
    """The settings in force (``overrides`` first, then the environment, then ``.env``), or InvalidSettings saying which and why."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v not in (None, "")})
    except (ValidationError, SettingsError) as exc:
        raise InvalidSettings(explain(exc)) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
