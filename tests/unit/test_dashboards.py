"""The dashboards and rules in dashboards/ read only what engine/metrics.py exports, and show all of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from engine import dashboards, metrics

# Series names prometheus_client derives from a family, by the family's type.
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
TESTS_DIR = dashboards.RULES_DIR / "tests"
RUNBOOKS = dashboards.REPO_ROOT / "docs" / "runbooks.md"
REQUIRED_ALERTS = {
    "GovernorGateFailingClosed",
    "GovernorRejectionRateSpike",
    "GovernorDLQGrowth",
    "GovernorConsumerLagHigh",
    "GovernorAuditChainBreak",
    "GovernorNoDecisionsWhileDraftsArrive",
}


def exported_families() -> dict[str, str]:
    """Family name -> type for every metric object engine/metrics.py defines."""
    out = {}
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            family = value.describe()[0]
            out[family.name] = family.type
    return out


def series_names() -> dict[str, str]:
    """Every series name the engine can expose -> its family."""
    return {
        family + suffix: family for family, kind in exported_families().items() for suffix in SUFFIXES[kind]
    }


def resolve(name: str, recording: dict[str, str], seen: frozenset[str] = frozenset()) -> set[str]:
    """The metric families a series name reads, through recording rules; KeyError if none exports it."""
    if name.startswith("governor:"):
        if name not in recording or name in seen:
            raise KeyError(f"{name} is not a recording rule in dashboards/prometheus/")
        return set().union(
            *(resolve(n, recording, seen | {name}) for n in dashboards.metric_names(recording[name]))
        )
    return {series_names()[name]}


def loaded() -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((dashboards.GRAFANA_DIR / f"{name}.json").read_text())
        for name in dashboards.DASHBOARDS
    }


def data_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboards.iter_panels(board) if p["type"] != "row"]


def all_exprs() -> list[tuple[str, str]]:
    """(where, PromQL) for every panel target, template query and rule, as written."""
    out = []
    for name, board in loaded().items():
        for panel in data_panels(board):
            out.extend((f"{name}: {panel['title']}", t["expr"]) for t in panel["targets"])
        for var in board["templating"]["list"]:
            if var["type"] == "query":
                out.append((f"{name}: ${var['name']}", dashboards.label_values_query(var["query"])))
    for file, rule in dashboards.rule_groups():
        out.append((f"{file}: {rule.get('record') or rule.get('alert')}", rule["expr"]))
    return out


def alert_rules() -> list[dict[str, Any]]:
    return [rule for _, rule in dashboards.rule_groups() if "alert" in rule]


# ---------------------------------------------------------------- generated JSON


@pytest.mark.parametrize("name", sorted(dashboards.DASHBOARDS))
def test_committed_dashboard_matches_the_generator(name: str) -> None:
    path = dashboards.GRAFANA_DIR / f"{name}.json"
    assert path.exists(), f"{path} missing: run `python -m engine.dashboards`"
    assert path.read_text() == dashboards.render(name), f"{path} is stale: run `python -m engine.dashboards`"


def test_no_stray_dashboard_files() -> None:
    on_disk = {p.stem for p in dashboards.GRAFANA_DIR.glob("*.json")}
    assert on_disk == set(dashboards.DASHBOARDS)


def test_check_mode_reports_drift(tmp_path: Path) -> None:
    assert dashboards.main(["--out", str(tmp_path)]) == 0
    assert dashboards.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "pipeline-stages.json").write_text("{}")
    assert dashboards.main(["--out", str(tmp_path), "--check"]) == 1


# ---------------------------------------------------------------- structure


@pytest.mark.parametrize("name", sorted(dashboards.DASHBOARDS))
def test_dashboard_is_provisioning_ready(name: str) -> None:
    board = loaded()[name]
    assert board["uid"] and board["id"] is None and board["title"].startswith("Governor / ")
    variables = {v["name"]: v for v in board["templating"]["list"]}
    source = variables["datasource"]
    assert (source["type"], source["query"], source["current"]["value"]) == (
        "datasource",
        "prometheus",
        "Prometheus",
    )
    for var in variables.values():
        if var["type"] == "query":
            assert var["datasource"] == dashboards.DATASOURCE


@pytest.mark.parametrize("name", sorted(dashboards.DASHBOARDS))
def test_every_panel_has_the_datasource_and_a_query(name: str) -> None:
    board = loaded()[name]
    panels = data_panels(board)
    assert len(panels) >= 5
    for panel in panels:
        assert panel["datasource"] == dashboards.DATASOURCE, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target["expr"].strip(), f"{panel['title']} has an empty query"
            assert target["datasource"] == dashboards.DATASOURCE, panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]


@pytest.mark.parametrize("name", sorted(dashboards.DASHBOARDS))
def test_panel_ids_are_unique_and_panels_fit_the_grid(name: str) -> None:
    panels = list(dashboards.iter_panels(loaded()[name]))
    ids = [p["id"] for p in panels]
    assert all(isinstance(i, int) for i in ids) and len(ids) == len(set(ids))
    cells: set[tuple[int, int]] = set()
    for p in panels:
        pos = p["gridPos"]
        assert pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, p["title"]
        mine = {
            (x, y) for x in range(pos["x"], pos["x"] + pos["w"]) for y in range(pos["y"], pos["y"] + pos["h"])
        }
        assert not cells & mine, f"{p['title']} overlaps another panel"
        cells |= mine


def test_dashboard_uids_are_unique() -> None:
    uids = [b["uid"] for b in loaded().values()]
    assert len(uids) == len(set(uids))


# ---------------------------------------------------------------- metric names


def test_metric_name_parser() -> None:
    expr = (
        'sum by (gate, le) (rate(foo_bucket{a="x}", b=~"$v"}[5m])) / on() group_left bar offset 5m '
        "and ignoring(x) governor:baz:rate5m > bool 2 unless count without (le) (qux) or vector(1)"
    )
    assert dashboards.selectors(expr) == ['foo_bucket{a="x}", b=~"$v"}', "bar", "governor:baz:rate5m", "qux"]
    assert dashboards.metric_names("histogram_quantile(0.99, sum by (le) (rate(x_bucket[1m])))") == {
        "x_bucket"
    }


def test_every_query_reads_only_exported_metrics() -> None:
    recording = dashboards.recording_rules()
    known = series_names()
    assert "governor_decisions_total" in known and "governor_gate_latency_seconds_bucket" in known
    bad = []
    for where, expr in all_exprs():
        names = dashboards.metric_names(expr)
        assert names, f"{where}: no metric found in {expr!r}"
        for name in names - dashboards.PROMETHEUS_SERIES:
            try:
                resolve(name, recording)
            except KeyError:
                bad.append(f"{where}: {name}")
    assert not bad, "not exported by engine/metrics.py:\n" + "\n".join(bad)


def test_every_exported_family_is_shown_or_listed_as_not_shown() -> None:
    recording = dashboards.recording_rules()
    shown: set[str] = set()
    for where, expr in all_exprs():
        if where.split(":")[0] in dashboards.DASHBOARDS:
            for name in dashboards.metric_names(expr):
                shown |= resolve(name, recording)
    families = set(exported_families())
    assert "governor_decisions" in families
    missing = families - shown - set(dashboards.NOT_SHOWN)
    assert not missing, f"on no dashboard and not in NOT_SHOWN: {sorted(missing)}"
    for family, reason in dashboards.NOT_SHOWN.items():
        assert family in families, f"NOT_SHOWN names {family}, which engine/metrics.py does not export"
        assert family not in shown, f"{family} is in NOT_SHOWN but a dashboard shows it"
        assert reason.strip(), f"NOT_SHOWN[{family}] needs a reason"


def test_live_queries_have_no_grafana_variables_left() -> None:
    queries = dashboards.all_queries()
    assert len(queries) > 40
    for where, expr in queries:
        assert "$" not in expr, f"{where}: {expr}"


# ---------------------------------------------------------------- alerts, runbooks, promtool tests


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")


def test_alerts_cover_the_issue_and_carry_severity_summary_description_runbook() -> None:
    rules = alert_rules()
    assert {r["alert"] for r in rules} >= REQUIRED_ALERTS
    anchors = {_slug(h) for h in re.findall(r"^## (.+)$", RUNBOOKS.read_text(), re.M)}
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        notes = rule["annotations"]
        assert notes["summary"].strip() and notes["description"].strip(), rule["alert"]
        assert notes["runbook_url"] == f"docs/runbooks.md#{rule['alert'].lower()}", rule["alert"]
        assert rule["alert"].lower() in anchors, f"docs/runbooks.md has no section for {rule['alert']}"
    assert anchors == {r["alert"].lower() for r in rules}, "a runbook section without an alert"


def test_every_alert_has_a_firing_and_a_quiet_promtool_case() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    for path in sorted(TESTS_DIR.glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        for case in doc["tests"]:
            for check in case.get("alert_rule_test", []):
                (fires if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {r["alert"] for r in alert_rules()}
    assert names - fires == set(), f"alerts never tested firing: {sorted(names - fires)}"
    assert names - quiet == set(), f"alerts never tested quiet: {sorted(names - quiet)}"
