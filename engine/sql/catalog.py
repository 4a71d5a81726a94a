"""The operational tables as governed SQL sees them: classification per table and column, tenant column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from engine.errors import ConfigError
from engine.settings import REPO_ROOT

DEFAULT_CATALOG = REPO_ROOT / "demo" / "operational" / "catalog.yaml"
TABLE_CLASSES = frozenset({"public", "internal", "restricted"})
COLUMN_CLASSES = frozenset({"public", "internal", "pii"})


@dataclass(frozen=True)
class TableInfo:
    """One table: its classification, the column holding the tenant (None: shared) and its columns."""

    name: str
    classification: str
    tenant_column: str | None
    columns: dict[str, str]


@dataclass(frozen=True)
class Catalog:
    """Every table generated SQL may name, in schema `public` of one database."""

    database: str
    tables: dict[str, TableInfo]
    schema_name: str = "public"

    @classmethod
    def load(cls, path: Path = DEFAULT_CATALOG) -> Catalog:
        try:
            doc = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("tables"), dict):
            raise ConfigError(f"{path}: expected a mapping with 'database' and 'tables'")
        return cls(database=str(doc.get("database", "")), tables=_tables(path, doc["tables"]))

    def sqlglot_schema(self) -> dict[str, dict[str, str]]:
        """{table: {column: type}} for sqlglot's qualifier (types do not matter to the checks)."""
        return {name: {col: "TEXT" for col in t.columns} for name, t in self.tables.items()}


def _tables(path: Path, raw: dict[str, Any]) -> dict[str, TableInfo]:
    tables = {}
    for name, spec in raw.items():
        where = f"{path}: tables.{name}"
        if not isinstance(spec, dict) or not isinstance(spec.get("columns"), dict):
            raise ConfigError(f"{where}: expected classification, tenant_column and columns")
        if spec.get("classification") not in TABLE_CLASSES:
            raise ConfigError(f"{where}.classification must be one of {sorted(TABLE_CLASSES)}")
        columns = {str(c): str(k) for c, k in spec["columns"].items()}
        bad = sorted(c for c, k in columns.items() if k not in COLUMN_CLASSES)
        if bad:
            raise ConfigError(f"{where}.columns: {', '.join(bad)} must be one of {sorted(COLUMN_CLASSES)}")
        tenant = spec.get("tenant_column")
        if tenant is not None and tenant not in columns:
            raise ConfigError(f"{where}.tenant_column {tenant!r} is not one of its columns")
        tables[str(name)] = TableInfo(str(name), str(spec["classification"]), tenant, columns)
    return tables
