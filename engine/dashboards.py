"""Grafana dashboards generated from code, and every PromQL query they and the rules run.

`python -m engine.dashboards` writes dashboards/grafana/*.json (committed); `--check` fails on drift.
The dashboards and dashboards/prometheus/*.yml may use only the metrics engine/metrics.py defines.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml
from grafanalib._gen import DashboardEncoder
from grafanalib.core import (
    Dashboard,
    GridPos,
    Panel,
    RowPanel,
    Stat,
    Table,
    Target,
    Template,
    Templating,
    Time,
    TimeSeries,
)

from engine.settings import REPO_ROOT

GRAFANA_DIR = REPO_ROOT / "dashboards" / "grafana"
RULES_DIR = REPO_ROOT / "dashboards" / "prometheus"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"
# Label values the rules and panels filter on; the engine must emit exactly these.
FAIL_CLOSED_REASONS = "policy_unavailable|validator_error"
REJECTED = "rejected"
RELEASE = "release"

# Metric families deliberately on no dashboard, each with why (copied to the README).
NOT_SHOWN: dict[str, str] = {}


# ---------------------------------------------------------------- panel building blocks


def _target(expr: str, legend: str = "", ref: str = "A", instant: bool = False) -> Target:
    fmt = "table" if instant else "time_series"
    return Target(
        expr=expr, legendFormat=legend, refId=ref, instant=instant, format=fmt, datasource=DATASOURCE
    )


def _targets(*pairs: tuple[str, str]) -> list[Target]:
    return [_target(expr, legend, chr(ord("A") + i)) for i, (expr, legend) in enumerate(pairs)]


def _vec(metric: str, sel: str = "") -> str:
    return f"{metric}{{{sel}}}" if sel else metric


def _rate(metric: str, by: str, sel: str = "") -> str:
    return f"sum by ({by}) (rate({_vec(metric, sel)}[{RATE}]))"


def _quantiles(metric: str, by: str, sel: str = "") -> list[Target]:
    """p50 and p99 of a histogram, grouped by `by`."""
    grouping = f"{by}, le" if by else "le"
    legend = "{{" + by.split(", ")[0] + "}} " if by else ""
    return _targets(
        *(
            (
                f"histogram_quantile({q}, sum by ({grouping}) (rate({_vec(metric + '_bucket', sel)}[{RATE}])))",
                f"{legend}p{int(q * 100)}",
            )
            for q in (0.5, 0.99)
        )
    )


def _series(title: str, targets: list[Target], unit: str = "short", desc: str = "") -> TimeSeries:
    return TimeSeries(
        title=title, description=desc, dataSource=DATASOURCE, targets=targets, unit=unit, tooltipMode="multi"
    )


def _stat(title: str, expr: str, unit: str = "short", red_at: float | None = None, desc: str = "") -> Stat:
    steps: list[dict[str, Any]] = [{"color": "green", "value": None}]
    if red_at is not None:
        steps.append({"color": "red", "value": red_at})
    return Stat(
        title=title,
        description=desc,
        dataSource=DATASOURCE,
        targets=[_target(expr)],
        format=unit,
        reduceCalc="lastNotNull",
        thresholds=steps,
        noValue="0",
    )


def _query_var(name: str, metric: str, label: str) -> Template:
    return Template(
        name=name,
        label=name,
        query=f"label_values({metric}, {label})",
        dataSource=DATASOURCE,
        includeAll=True,
        multi=True,
        allValue=".*",
        default="$__all",
        refresh=2,
    )


def _layout(sections: list[tuple[str, list[Panel]]], width: int = 8, height: int = 8) -> list[Panel]:
    """Rows of panels, left to right, `24 / width` per line; ids numbered in order."""
    out: list[Panel] = []
    y, next_id = 0, 1
    for title, panels in sections:
        out.append(RowPanel(title=title, id=next_id, gridPos=GridPos(h=1, w=24, x=0, y=y)))
        next_id, y = next_id + 1, y + 1
        per_line = 24 // width
        for i, panel in enumerate(panels):
            x = (i % per_line) * width
            panel.id, panel.gridPos = next_id, GridPos(h=height, w=width, x=x, y=y + (i // per_line) * height)
            out.append(panel)
            next_id += 1
        y += ((len(panels) + per_line - 1) // per_line) * height
    return out


def _dashboard(uid: str, title: str, desc: str, variables: list[Template], panels: list[Panel]) -> Dashboard:
    datasource = Template(
        name="datasource", label="Data source", query="prometheus", type="datasource", default="Prometheus"
    )
    return Dashboard(
        uid=uid,
        title=title,
        description=desc,
        tags=["governor"],
        templating=Templating(list=[datasource, *variables]),
        panels=panels,
        time=Time("now-1h", "now"),
        refresh="30s",
        schemaVersion=39,
        graphTooltip=1,
    )


# ---------------------------------------------------------------- the three dashboards


def overview() -> Dashboard:
    """Decisions, rejections, policy latency, validators, contracts, DLQ and audit."""
    g = 'gate=~"$gate"'
    decisions = f"sum(rate(governor_decisions_total{{{g}}}[{RATE}]))"
    rejected = f'sum(rate(governor_decisions_total{{{g}, outcome="{REJECTED}"}}[{RATE}]))'
    fail_closed = f'sum(rate(governor_decisions_total{{{g}, reason=~"{FAIL_CLOSED_REASONS}"}}[{RATE}]))'
    rejected_sel = f'{g}, outcome="{REJECTED}"'
    by_gate_ratio = (
        f"{_rate('governor_decisions_total', 'gate', rejected_sel)}"
        f" / {_rate('governor_decisions_total', 'gate', g)}"
    )
    sections: list[tuple[str, list[Panel]]] = [
        (
            "Decisions",
            [
                _stat("Decisions /s", decisions, "ops"),
                _stat("Rejection rate", f"{rejected} / {decisions}", "percentunit"),
                _stat("Fail-closed decisions /s", fail_closed, "ops", red_at=0.001,
                      desc="Rejected because OPA or a validator failed (policy_unavailable, validator_error)."),
                _series("Decisions by outcome", _targets(
                    (_rate("governor_decisions_total", "gate, outcome", g), "{{gate}} {{outcome}}")), "ops"),
                _series("Decisions by reason (not approved)", _targets(
                    (_rate("governor_decisions_total", "gate, reason", f'{g}, outcome!="approved"'),
                     "{{gate}} {{reason}}")), "ops"),
                _series("Rejection rate by gate", _targets((by_gate_ratio, "{{gate}}")), "percentunit"),
            ],
        ),
        (
            "Policy (OPA)",
            [
                _series("Policy evaluation latency (one OPA round trip)",
                        _quantiles("governor_policy_eval_seconds", "gate", g), "s"),
                _series("Gate latency (consume to decision)",
                        _quantiles("governor_gate_latency_seconds", "gate", g), "s"),
                _series("Policy batch size", [
                    *_quantiles("governor_policy_batch_size", "gate", g),
                    _target(f"{_rate('governor_policy_batch_size_sum', 'gate', g)} / "
                            f"{_rate('governor_policy_batch_size_count', 'gate', g)}", "{{gate}} mean", "C"),
                ]),
                _series("OPA round trips failed /s (before retry)", _targets(
                    (_rate("governor_policy_errors_total", "gate", g), "{{gate}}")), "ops"),
            ],
        ),
        (
            "Validators, contracts, DLQ and audit",
            [
                _series("Validator failures /s", _targets(
                    (_rate("governor_validator_failures_total", "validator"), "{{validator}}")), "ops"),
                _series("Validator errors /s (gate fails closed)", _targets(
                    (_rate("governor_validator_errors_total", "validator"), "{{validator}}")), "ops"),
                _series("Contract violations /s", _targets(
                    (_rate("governor_contract_violations_total", "topic, direction"),
                     "{{topic}} {{direction}}")), "ops"),
                _series("Dead-lettered messages /s", _targets(
                    (_rate("governor_dlq_messages_total", "stage, reason"), "{{stage}} {{reason}}")), "ops"),
                _series("Audit records vs decisions /s", _targets(
                    (_rate("governor_audit_records_total", "gate", g), "{{gate}} audit records"),
                    (_rate("governor_decisions_total", "gate", g), "{{gate}} decisions"),
                ), "ops", desc="One audit record per decision: the two lines should overlap."),
                _stat("Audit chain breaks (since process start)",
                      f"sum(governor_audit_chain_breaks_total{{{g}}})", red_at=1),
                Table(title="Build and governance revision in force", dataSource=DATASOURCE, targets=[
                    _target("max by (instance, version, policy_revision, contracts) (governor_build_info)",
                            instant=True)]),
            ],
        ),
    ]
    gate = _query_var("gate", "governor_decisions_total", "gate")
    return _dashboard("governor-overview", "Governor / Governance overview",
                      "What the gates decide and why.", [gate], _layout(sections))


def pipeline() -> Dashboard:
    """Per-stage throughput, latency, batches, in-flight work, lag and transactions."""
    s, grp = 'stage=~"$stage"', 'group=~"$group"'
    lag = f"max by (group, topic, partition) (governor_consumer_lag_messages{{{grp}}})"
    sections: list[tuple[str, list[Panel]]] = [
        (
            "Throughput",
            [
                _series("Messages consumed /s", _targets(
                    (_rate("governor_messages_consumed_total", "stage, topic", s), "{{stage}} <- {{topic}}")),
                    "ops"),
                _series("Messages produced /s", _targets(
                    (_rate("governor_messages_produced_total", "stage, topic", s), "{{stage}} -> {{topic}}")),
                    "ops"),
                _series("Transactions /s by outcome", _targets(
                    (_rate("governor_transactions_total", "stage, outcome", s), "{{stage}} {{outcome}}")), "ops"),
            ],
        ),
        (
            "Latency and batches",
            [
                _series("Stage latency per batch", _quantiles("governor_stage_latency_seconds", "stage", s), "s"),
                _series("Batch size", _quantiles("governor_batch_size", "stage", s)),
                _series("In-flight messages (consumed, not committed)", _targets(
                    (f"sum by (stage) (governor_in_flight_messages{{{s}}})", "{{stage}}"))),
            ],
        ),
        (
            "Consumer lag",
            [
                _series("Consumer lag by group and topic", _targets(
                    (f"sum by (group, topic) ({lag})", "{{group}} {{topic}}"))),
                _series("Consumer lag by partition", _targets((lag, "{{group}} {{topic}}[{{partition}}]"))),
            ],
        ),
    ]
    stage = _query_var("stage", "governor_messages_consumed_total", "stage")
    group = _query_var("group", "governor_consumer_lag_messages", "group")
    return _dashboard("governor-pipeline", "Governor / Pipeline stages",
                      "Each stage's consumer group: throughput, latency, lag.", [stage, group],
                      _layout(sections))


def models() -> Dashboard:
    """The LLM, retrieval, embeddings, vector store and augmentation data quality."""
    b = 'backend=~"$backend"'
    sections: list[tuple[str, list[Panel]]] = [
        (
            "LLM",
            [
                _series("LLM request latency", _quantiles("governor_llm_request_seconds", "backend", b), "s"),
                _series("LLM p99 latency by outcome", _targets((
                    f"histogram_quantile(0.99, sum by (backend, outcome, le) "
                    f"(rate(governor_llm_request_seconds_bucket{{{b}}}[{RATE}])))", "{{backend}} {{outcome}}")),
                    "s"),
                _series("LLM requests /s by outcome", _targets(
                    (_rate("governor_llm_request_seconds_count", "backend, outcome", b),
                     "{{backend}} {{outcome}}")), "ops"),
            ],
        ),
        (
            "Retrieval and embeddings",
            [
                _series("Retrieval latency (vector search)", _quantiles("governor_retrieval_seconds", ""), "s"),
                _series("Retrievals /s", _targets(
                    (f"sum(rate(governor_retrieval_seconds_count[{RATE}]))", "searches")), "ops"),
                _series("Embedding batch latency", _quantiles("governor_embedding_seconds", ""), "s"),
                _series("Embedding batch size", _quantiles("governor_embedding_batch_size", "")),
                _series("Texts embedded /s", _targets(
                    (f"sum(rate(governor_embedding_batch_size_sum[{RATE}]))", "texts")), "ops"),
                _series("Vector store chunks", _targets(("max(governor_vector_store_chunks)", "chunks"))),
            ],
        ),
        (
            "Data quality",
            [
                _series("Augmentation batches checked /s by outcome", _targets(
                    (_rate("governor_quality_batches_total", "outcome"), "{{outcome}}")), "ops"),
            ],
        ),
    ]
    backend = _query_var("backend", "governor_llm_request_seconds_count", "backend")
    return _dashboard("governor-models", "Governor / LLM and retrieval",
                      "Model calls behind the inference and augmentation stages.", [backend],
                      _layout(sections))


DASHBOARDS = {"governance-overview": overview, "pipeline-stages": pipeline, "llm-retrieval": models}


def render(name: str) -> str:
    """The JSON text of one dashboard, as committed."""
    data = DASHBOARDS[name]().to_json_data()
    return json.dumps(data, sort_keys=True, indent=2, cls=DashboardEncoder) + "\n"


# ---------------------------------------------------------------- PromQL helpers

_TOKEN = re.compile(
    r'(?P<str>"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')'
    r'|(?P<braces>\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\})'
    r"|(?P<range>\[[^\]]*\])"
    r"|(?P<num>\d[\w.]*)"
    r"|(?P<ident>[A-Za-z_:][\w:]*)"
    r"|(?P<other>\S)"
)
_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset",
    "bool", "inf", "nan", "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
    "count_values", "bottomk", "topk", "quantile",
}  # fmt: skip
_GROUPING = {"by", "without", "on", "ignoring", "group_left", "group_right"}


def selectors(expr: str) -> list[str]:
    """Every vector selector (`name{matchers}`) in a PromQL expression, in order."""
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(expr)]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "ident" and text in _GROUPING and nxt[1] == "(":
            while i < len(tokens) and tokens[i][1] != ")":  # skip the label list
                i += 1
        elif kind == "ident" and text not in _KEYWORDS and nxt[1] != "(":
            found.append(text + (nxt[1] if nxt[0] == "braces" else ""))
        i += 1
    return found


def metric_names(expr: str) -> set[str]:
    """The metric (or recording rule) names a PromQL expression reads."""
    return {sel.split("{", 1)[0] for sel in selectors(expr)}


def concrete(expr: str, interval: str = "1m") -> str:
    """A panel query as Prometheus can run it: Grafana's interval and label variables filled in."""
    expr = re.sub(r"\$__rate_interval|\$__interval|\$__range|\$interval", interval, expr)
    return re.sub(r'=~?\s*"\$\{?\w+\}?"', '=~".*"', expr)


def label_values_query(query: str) -> str:
    """`label_values(metric, label)` as a PromQL query that returns one series per value."""
    m = re.fullmatch(r"label_values\(\s*([\w:]+)\s*,\s*(\w+)\s*\)", query.strip())
    if m is None:
        raise ValueError(f"unsupported template query: {query!r}")
    return f"count by ({m.group(2)}) ({m.group(1)})"


def iter_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def rule_groups(rules_dir: Path = RULES_DIR) -> list[tuple[str, dict[str, Any]]]:
    """(file name, rule) for every rule in every rules file."""
    out = []
    for path in sorted(rules_dir.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            out.extend((path.name, rule) for rule in group["rules"])
    return out


def recording_rules(rules_dir: Path = RULES_DIR) -> dict[str, str]:
    return {r["record"]: r["expr"] for _, r in rule_groups(rules_dir) if "record" in r}


def all_queries(rules_dir: Path = RULES_DIR) -> list[tuple[str, str]]:
    """(source, PromQL) for every query that must return data from a live scrape.

    Panel targets, template variables and recording rules as whole expressions; alert rules by
    each vector selector they read (a whole alert expression is empty whenever it is not firing).
    """
    out: list[tuple[str, str]] = []
    for name in DASHBOARDS:
        data = json.loads(render(name))
        for var in data["templating"]["list"]:
            if var["type"] == "query":
                out.append((f"{name}: variable {var['name']}", label_values_query(var["query"])))
        for panel in iter_panels(data):
            for target in panel.get("targets", []):
                out.append((f"{name}: {panel['title']} [{target['refId']}]", concrete(target["expr"])))
    for file, rule in rule_groups(rules_dir):
        if "record" in rule:
            out.append((f"{file}: {rule['record']}", rule["expr"]))
        else:
            out.extend((f"{file}: {rule['alert']} reads", sel) for sel in dict.fromkeys(selectors(rule["expr"])))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.dashboards", description=__doc__)
    parser.add_argument("--out", type=Path, default=GRAFANA_DIR)
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON differs")
    args = parser.parse_args(argv)
    stale = []
    for name in DASHBOARDS:
        path: Path = args.out / f"{name}.json"
        text = render(name)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}")
    if stale:
        print("out of date (run `python -m engine.dashboards`): " + ", ".join(stale), file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
