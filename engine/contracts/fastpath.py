"""A cheap yes/no for "does this payload satisfy its schema", with jsonschema's own keyword functions.

jsonschema's ``is_valid`` spends most of its time walking, not checking: every subschema it enters makes
a new validator (``evolve``), a referencing resource and a resolver scope, and every ``$ref`` is looked up
again, for each message. For a schema without identifiers (no ``$id``, anchors or dynamic references, every
``$ref`` local) none of that changes the outcome, so the walk is planned once here: each subschema becomes
a list of (keyword function, value) pairs taken from the validator class itself, local ``$ref`` targets
are resolved once, and the common applicators (``properties``, ``items``, ``$ref``) step into their
subschemas directly. Every other keyword, applicators included, runs jsonschema's own function with the
contract's validator (which is what ``descend`` would have handed it, less the evolve). A schema that
needs more (identifiers, dynamic scope, dialect switches, ``unevaluated*``) gets no plan and the caller
uses jsonschema's ``is_valid``. Errors are never computed here: on a "no" the caller asks jsonschema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from jsonschema.protocols import Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

Check = Callable[[Any], bool]

# Keywords whose meaning depends on the resolution scope or on what other subschemas evaluated: a schema
# holding one is validated by jsonschema's own walk.
_SCOPED = frozenset(
    {
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$dynamicRef",
        "$recursiveAnchor",
        "$recursiveRef",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)


def plan(schema: Any, validator: Validator) -> Check | None:
    """A function telling whether an instance satisfies `schema` as `validator` would decide it, or None
    when the schema needs jsonschema's full walk."""
    if not isinstance(schema, dict) or not _plannable(schema, root=True):
        return None
    try:
        return _Planner(schema, validator).check(schema)
    except _Unplannable:
        return None


class _Unplannable(Exception):
    """A subschema that is neither an object nor a boolean (check_schema refuses those anyway)."""


def _plannable(node: Any, root: bool) -> bool:
    if isinstance(node, dict):
        if _SCOPED.intersection(node) or ("$schema" in node and not root):
            return False
        ref = node.get("$ref")
        if ref is not None and not (isinstance(ref, str) and ref.startswith("#")):
            return False
        return all(_plannable(v, root=False) for v in node.values())
    if isinstance(node, list):
        return all(_plannable(v, root=False) for v in node)
    return True


class _Planner:
    def __init__(self, root: dict[str, Any], validator: Validator) -> None:
        self.validator = validator
        self.resolver = Registry().resolver_with_root(DRAFT202012.create_resource(root))
        self.plans: dict[int, Check] = {}  # by id() of a subschema of `root`, which outlives the plans

    def check(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unplannable(type(schema).__name__)
        known = self.plans.get(id(schema))
        if known is not None:
            return known
        steps: list[Check] = []

        def satisfies(instance: Any) -> bool:
            for step in steps:  # noqa: SIM110 (a loop, not all(<generator>): this runs per keyword per message)
                if not step(instance):
                    return False
            return True

        # Registered before its keywords are planned, so a $ref back to an enclosing schema terminates.
        self.plans[id(schema)] = satisfies
        known_keywords = self.validator.VALIDATORS
        steps.extend(self._step(k, v, schema) for k, v in schema.items() if k in known_keywords)
        return satisfies

    def _step(self, keyword: str, value: Any, schema: dict[str, Any]) -> Check:
        is_type = self.validator.is_type
        if keyword == "properties" and isinstance(value, dict):
            subs = [(name, self.check(sub)) for name, sub in value.items()]

            def properties(instance: Any) -> bool:
                if not is_type(instance, "object"):
                    return True
                return all(sub(instance[name]) for name, sub in subs if name in instance)

            return properties
        if keyword == "items" and "prefixItems" not in schema:
            each = self.check(value)

            def items(instance: Any) -> bool:
                return not is_type(instance, "array") or all(each(item) for item in instance)

            return items
        if keyword == "type":  # the most frequent keyword: its generator and list around is_type skipped
            names = [value] if isinstance(value, str) else list(value)
            if len(names) == 1:
                name = names[0]
                return lambda instance: is_type(instance, name)
            return lambda instance: any(is_type(instance, name) for name in names)
        if keyword == "$ref":
            return self.check(self.resolver.lookup(value).contents)
        function = self.validator.VALIDATORS[keyword]
        validator = self.validator

        def keyword_check(instance: Any) -> bool:
            return _no_error(function(validator, value, instance, schema))

        return keyword_check


def _no_error(errors: Iterable[Any] | None) -> bool:
    return errors is None or next(iter(errors), None) is None


def _always(instance: Any) -> bool:
    return True


def _never(instance: Any) -> bool:
    return False
