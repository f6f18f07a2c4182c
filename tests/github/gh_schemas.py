"""GitHub's OpenAPI 3.0 response schemas, converted to JSON Schema for jsonschema."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "github-rest" / "schemas"


def nullable_to_type_null(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` -> JSON Schema ``null`` in ``type`` (recursively)."""
    if isinstance(node, list):
        return [nullable_to_type_null(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: nullable_to_type_null(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        if "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*types, "null"] if "null" not in types else types
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:  # allOf / anyOf / oneOf / $ref-like compositions
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def validator(name: str) -> Draft7Validator:
    raw = json.loads((SCHEMAS / f"{name}.deref.schema.json").read_text(encoding="utf-8"))
    return Draft7Validator(nullable_to_type_null(raw))


def errors(name: str, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator(name).iter_errors(instance)]
