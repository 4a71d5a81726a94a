"""Compatibility of two versions of a JSON Schema (Draft 2020-12), as Schema Registry defines it.

BACKWARD: every instance the old schema accepts, the new one accepts (new readers, old data).
FORWARD: every instance the new schema accepts, the old one accepts (old readers, new data).
The check proves `writer ⊆ reader` structurally, keyword by keyword, in both directions at once;
whatever it cannot prove is reported as breaking, and the message says so.

Modules: `report` (the result types), `schema` (pure helpers over schema nodes), `resolve`
($ref resolution and allOf flattening), `keywords` (type, bounds, string and value rules),
`containers` (objects and arrays), `combinators` (anyOf/oneOf/allOf), `comparator` (the walk).
"""

from engine.contracts.compat.comparator import compare_schemas
from engine.contracts.compat.report import CompatibilityMode, CompatibilityReport, SchemaChange
from engine.contracts.compat.schema import Schema

__all__ = ["CompatibilityMode", "CompatibilityReport", "Schema", "SchemaChange", "compare_schemas"]
