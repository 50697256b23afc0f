"""Write the JSON Schema of every message model, so non-Python consumers share the contracts."""

from __future__ import annotations

from pathlib import Path

import orjson

from schemas.models import MESSAGE_MODELS

__all__ = ["render_schemas", "export_schemas"]


def render_schemas() -> dict[str, bytes]:
    """File name → JSON Schema bytes, deterministic so a stale file shows as a diff."""
    return {
        f"{name}.json": orjson.dumps(model.model_json_schema(mode="serialization"), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        for name, model in MESSAGE_MODELS.items()
    }


def export_schemas(out: Path, *, check: bool = False) -> list[str]:
    """Write (or with ``check``, only compare) the schema files; return the names that differed."""
    differing = []
    for name, content in render_schemas().items():
        path = out / name
        if not path.exists() or path.read_bytes() != content:
            differing.append(name)
            if not check:
                out.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
    return differing
