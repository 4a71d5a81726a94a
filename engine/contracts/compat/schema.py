"""Pure helpers over schema nodes: canonical identity, declared types, finite values, properties."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

Schema = dict[str, Any] | bool

# Keywords that never change what validates (2020-12 also ignores keywords it does not know).
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "$defs", "definitions", "$vocabulary",
     "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
     "contentEncoding", "contentMediaType", "contentSchema"}
)  # fmt: skip


def canon(value: Any, memo: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """A hashable form where JSON-equal values are equal (1 == 1.0) but true != 1."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if not isinstance(value, list | dict):
        return ("?", repr(value))
    if memo is not None and id(value) in memo:
        return memo[id(value)][1]
    if isinstance(value, list):
        result: Any = ("a", tuple(canon(v, memo) for v in value))
    else:
        result = ("o", frozenset((k, canon(v, memo)) for k, v in value.items()))
    if memo is not None:
        memo[id(value)] = (value, result)  # holding `value` keeps its id from being reused
    return result


def content_key(node: Any, memo: dict[int, tuple[Any, Any]] | None = None) -> Any:
    """Content identity of a schema, ignoring its own annotations (a root's $defs, a title)."""
    if isinstance(node, dict) and ANNOTATIONS & node.keys():
        return canon({k: v for k, v in node.items() if k not in ANNOTATIONS}, memo)
    return canon(node, memo)


def refs_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs_in(value)


def escape_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def show(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def as_number(value: Any) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def types_of(node: dict[str, Any]) -> frozenset[str] | None:
    declared = node.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list) and all(isinstance(t, str) for t in declared):
        return frozenset(declared)
    return None


def covered(types: frozenset[str] | None, one: str) -> bool:
    # "integer" is a subset of "number": every integer is a number.
    return types is None or one in types or (one == "integer" and "number" in types)


def types_within(inner: frozenset[str] | None, outer: frozenset[str] | None) -> bool:
    if outer is None:
        return True
    return inner is not None and all(covered(outer, t) for t in inner)


def admits(types: frozenset[str] | None, family: str) -> bool:
    if types is None:
        return True
    return family in types or (family == "number" and "integer" in types)


def values_of(node: dict[str, Any]) -> list[Any] | None:
    """The finite set of instances a schema allows by const/enum, or None when unrestricted."""
    if "const" in node:
        return [node["const"]]
    enum = node.get("enum")
    if isinstance(enum, list):
        return list({canon(v): v for v in enum}.values())
    return None


def required_of(node: dict[str, Any]) -> list[str]:
    names = node.get("required")
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def additional_of(node: dict[str, Any]) -> tuple[Schema, str]:
    # unevaluatedProperties acts like additionalProperties once allOf/$ref have been flattened.
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if keyword in node:
            return node[keyword], keyword
    return True, "additionalProperties"


def pattern_matches(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except re.error:
        return False


def tuple_items(node: dict[str, Any]) -> tuple[list[Any], Any]:
    items = node.get("items", True)
    if isinstance(items, list):  # Draft 7 tuple form
        return items, node.get("additionalItems", True)
    prefix = node.get("prefixItems")
    if "items" not in node:
        # Once allOf/$ref are flattened, only `contains` also evaluates positions past prefixItems:
        # such an item must match `contains` or else unevaluatedItems.
        items = node.get("unevaluatedItems", True)
        if "contains" in node and items is not True:
            items = {"anyOf": [node["contains"], items]}
    return (prefix if isinstance(prefix, list) else []), items


def constrains(node: dict[str, Any]) -> bool:
    return any(k not in ANNOTATIONS for k in node)


def openness(schema: Any) -> str:
    if schema is True or (isinstance(schema, dict) and not constrains(schema)):
        return "open_model"
    if schema is False:
        return "closed_model"
    return "constrained_model"


def property_schema(node: dict[str, Any], name: str) -> Any:
    """The schema an object applies to the value of property `name`."""
    declared = as_dict(node.get("properties"))
    parts = [declared[name]] if name in declared else []
    parts += [s for p, s in as_dict(node.get("patternProperties")).items() if pattern_matches(p, name)]
    if not parts:
        return additional_of(node)[0]
    return parts[0] if len(parts) == 1 else {"allOf": parts}
