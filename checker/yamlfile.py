"""Safe YAML with line numbers, for schedule.yaml (trusted) and group.yaml (untrusted).

Errors name the file, the YAML path and the line. Dates stay strings (the JSON Schemas say
what they must look like), duplicate keys are errors instead of silent overwrites, and
aliases are refused: they are the YAML "billion laughs" and nobody needs them here.

Parsing uses LibYAML when PyYAML has it (every PyYAML wheel does; ten times faster than the
pure-Python parser). A text parsed before is read back from the cache without PyYAML, and
JSON-Schema validation imports jsonschema only when it has to run: a document whose exact text
passed before is not validated again (``checker.schemacache``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import schemacache

if TYPE_CHECKING:
    import jsonschema
    import yaml

MAX_YAML_BYTES = 256 * 1024


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    where: str  # YAML path such as deliverables.proposal.pages.max, or "" for the document
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.message}"


@cache
def _loader_class() -> type:
    """SafeLoader (LibYAML's when available) without timestamps; aliases are refused by
    ``_build``, which sees an aliased node a second time. PyYAML is imported here, on the first
    parse: a document parsed before comes from the cache without it."""
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    _Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _Loader


ALIAS_MESSAGE = ("YAML aliases (*name) are not allowed here: the value anchored (&name) on this "
                 "line is used again; write the value out each time")


@dataclass
class YamlDocument:
    file: str
    data: Any
    lines: dict[tuple[Any, ...], int]
    text: str = ""  # the source, as parsed

    def line(self, path: tuple[Any, ...]) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def dotted(path: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text. Returns the document, or None and the problems.

    A text parsed before (``checker.schemacache``: same text, same checker) is read back from
    the cache as JSON, with its line numbers, without importing PyYAML."""
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        return None, [Problem(file, None, "", f"is larger than {MAX_YAML_BYTES // 1024} KB")]
    entry = schemacache.key("yaml-parse", _parser_source(), text)
    remembered = _from_cache(schemacache.recall(entry), file, text)
    if remembered is not None:
        return remembered, []
    doc, problems = _parse(text, file)
    if doc is not None:
        schemacache.remember(entry, json.dumps(
            {"data": doc.data, "lines": [[list(path), line] for path, line in doc.lines.items()]},
            ensure_ascii=False))
    return doc, problems


@cache
def _parser_source() -> str:
    """This module's source: part of each parse-cache key (a new parser, new cache keys)."""
    return Path(__file__).read_text(encoding="utf-8")


def _from_cache(raw: str | None, file: str, text: str) -> YamlDocument | None:
    if raw is None:
        return None
    try:
        stored = json.loads(raw)
        lines = {tuple(path): int(line) for path, line in stored["lines"]}
        return YamlDocument(file, stored["data"], lines, text)
    except (ValueError, TypeError, KeyError):
        return None  # a damaged entry: parse again


def _parse(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(file, None, "", "is empty")]
        problems: list[Problem] = []
        lines: dict[tuple[Any, ...], int] = {}
        data = _build(loader, node, (), lines, problems, file, set())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(file, line, "", f"is not valid YAML: {reason}")]
    except RecursionError:
        return None, [Problem(file, None, "", "is nested too deeply")]
    finally:
        loader.dispose()
    if problems:
        return None, problems
    return YamlDocument(file, data, lines, text), []


def _build(
    loader: Any,
    node: yaml.Node,
    path: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    problems: list[Problem],
    file: str,
    seen: set[int],
) -> Any:
    import yaml

    if id(node) in seen:  # the composer shares one node between an anchor and its aliases
        raise yaml.composer.ComposerError(None, None, ALIAS_MESSAGE, node.start_mark)
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if id(key_node) in seen:
                raise yaml.composer.ComposerError(None, None, ALIAS_MESSAGE, key_node.start_mark)
            seen.add(id(key_node))
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.append(Problem(file, key_node.start_mark.line + 1, dotted(path),
                                        "keys must be plain words"))
                continue
            key = str(key)
            if key in out:
                problems.append(Problem(file, key_node.start_mark.line + 1, dotted((*path, key)),
                                        "appears twice; keep one"))
                continue
            out[key] = _build(loader, value_node, (*path, key), lines, problems, file, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, child, (*path, i), lines, problems, file, seen)
            for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


SCHEMAS = Path(__file__).resolve().parent / "schemas"  # package data, beside the modules


@cache
def schema_text(name: str) -> str:
    """A schema's text, read once per process (a check validates 16 documents against two)."""
    return (SCHEMAS / name).read_text(encoding="utf-8")


def schema(name: str) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(schema_text(name))
    return result


@cache
def _validator(schema_name: str) -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(schema(schema_name))


def validate(doc: YamlDocument, schema_name: str, *, cached: bool = True) -> list[Problem]:
    """Problems of ``doc`` against the named schema. With ``cached``, a document whose exact
    text passed this exact schema before is not validated again; a pass is recorded."""
    entry = schemacache.key(schema_name, schema_text(schema_name), doc.text) if doc.text else ""
    if cached and entry and schemacache.known_valid(entry):
        return []
    problems = []
    errors = _validator(schema_name).iter_errors(doc.data)
    for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        problems.append(Problem(doc.file, doc.line(path), dotted(path), _explain(err)))
    if not problems and entry:
        schemacache.remember_valid(entry)
    return problems


def _explain(err: jsonschema.ValidationError) -> str:
    """A plain sentence for a schema error, saying what is expected."""
    desc = err.schema.get("description") if isinstance(err.schema, dict) else None
    value = err.instance
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    if len(shown) > 80:
        shown = shown[:77] + "..."
    if err.validator == "additionalProperties":
        return f"unknown key ({err.message.split('(')[-1].rstrip(')')}); check the spelling"
    if err.validator == "required":
        return err.message.replace("is a required property", "is required but missing")
    if err.validator in {"pattern", "format"} and desc:
        return f"{shown} is not {desc}"
    if err.validator == "enum":
        allowed = ", ".join(map(str, err.validator_value))
        return f"{shown} is not one of: {allowed}"
    if err.validator == "type":
        return f"expected {err.validator_value}, got {shown}"
    if err.validator == "oneOf" and desc is None and isinstance(err.schema, dict):
        return f"{shown} is not valid here: {err.message[:200]}"
    if desc:
        return f"{shown}: expected {desc}"
    return err.message[:300]
