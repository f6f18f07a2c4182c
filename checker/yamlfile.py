"""Safe YAML with line numbers, for schedule.yaml (trusted) and group.yaml (untrusted).

Errors name the file, the YAML path and the line. Dates stay strings (the JSON Schemas say
what they must look like), duplicate keys are errors instead of silent overwrites, and
aliases are refused: they are the YAML "billion laughs" and nobody needs them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

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


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, without aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed here; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    file: str
    data: Any
    lines: dict[tuple[Any, ...], int]

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
    """Parse YAML text. Returns the document, or None and the problems."""
    if len(text.encode("utf-8", "replace")) > MAX_YAML_BYTES:
        return None, [Problem(file, None, "", f"is larger than {MAX_YAML_BYTES // 1024} KB")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [Problem(file, None, "", "is empty")]
        problems: list[Problem] = []
        lines: dict[tuple[Any, ...], int] = {}
        data = _build(loader, node, (), lines, problems, file)
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
    return YamlDocument(file, data, lines), []


def _build(
    loader: _Loader,
    node: yaml.Node,
    path: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    problems: list[Problem],
    file: str,
) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
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
            out[key] = _build(loader, value_node, (*path, key), lines, problems, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(loader, child, (*path, i), lines, problems, file)
            for i, child in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def schema(name: str) -> dict[str, Any]:
    import json

    text = resources.files("checker.schemas").joinpath(name).read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def validate(doc: YamlDocument, schema_name: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    problems = []
    errors = validator.iter_errors(doc.data)
    for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        problems.append(Problem(doc.file, doc.line(path), dotted(path), _explain(err)))
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
