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
# Label values the panels filter on (the rules in dashboards/prometheus/ use the same); the engine
# must emit exactly these.
# Series Prometheus itself records about each scrape: the only names rules may read that the engine
# does not export (a dead process exports nothing, so only `up` can say it is dead).
PROMETHEUS_SERIES = frozenset({"up"})
FAIL_CLOSED_REASONS = "policy_unavailable|validator_error"
REJECTED = "rejected"

# Metric families deliberately on no dashboard, each with why (copied to the README).
NOT_SHOWN: dict[str, str] = {}


# ---------------------------------------------------------------- panel building blocks


def _target(expr: str, legend: str = "", ref: str = "A", instant: bool = False) -> Target:
    fmt = "table" if instant else "time_series"
    return Target(
        expr=expr, legendFormat=legend, refId=ref, instant=instant, format=fmt, datasource=DATASOURCE
    )


def _vec(metric: str, sel: str = "") -> str:
    return f"{metric}{{{sel}}}" if sel else metric


def _rate(metric: str, by: str, sel: str = "") -> str:
    return f"sum by ({by}) (rate({_vec(metric, sel)}[{RATE}]))"


def _ts(title: str, unit: str, *queries: tuple[str, str], desc: str = "") -> TimeSeries:
    """A time series panel, one target per (expr, legend)."""
    targets = [_target(expr, legend, chr(ord("A") + i)) for i, (expr, legend) in enumerate(queries)]
    return TimeSeries(
        title=title, description=desc, dataSource=DATASOURCE, targets=targets, unit=unit, tooltipMode="multi"
    )


def _rate_ts(title: str, metric: str, by: str, sel: str = "", desc: str = "") -> TimeSeries:
    """Per-second rate of a counter, one line per value of the `by` labels."""
    legend = " ".join("{{" + label + "}}" for label in by.split(", "))
    return _ts(title, "ops", (_rate(metric, by, sel), legend), desc=desc)


def _hist_ts(
    title: str, metric: str, by: str = "", sel: str = "", unit: str = "s", mean: bool = False
) -> TimeSeries:
    """p50 and p99 (and optionally the mean) of a histogram, per value of `by`."""
    grouping, bucket = (f"{by}, le" if by else "le"), f"{metric}_bucket"
    legend = " ".join("{{" + label + "}}" for label in by.split(", ")) + " " if by else ""
    queries = [
        (f"histogram_quantile({q}, sum by ({grouping}) (rate({_vec(bucket, sel)}[{RATE}])))", f"{legend}p{p}")
        for q, p in ((0.5, 50), (0.99, 99))
    ]
    if mean:
        total, count = (
            f"sum by ({by}) (rate({_vec(metric + '_sum', sel)}[{RATE}]))",
            _rate(metric + "_count", by, sel),
        )
        queries.append((f"{total} / {count}", f"{legend}mean"))
    return _ts(title, unit, *queries)


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
    g, d = 'gate=~"$gate"', "governor_decisions_total"
    decisions = f"sum(rate({d}{{{g}}}[{RATE}]))"
    rejected = f'sum(rate({d}{{{g}, outcome="{REJECTED}"}}[{RATE}]))'
    fail_closed = f'sum(rate({d}{{{g}, reason=~"{FAIL_CLOSED_REASONS}"}}[{RATE}]))'
    rejected_sel = f'{g}, outcome="{REJECTED}"'
    ratio_by_gate = f"{_rate(d, 'gate', rejected_sel)} / {_rate(d, 'gate', g)}"
    fail_closed_help = "Rejected because OPA or a validator failed (policy_unavailable, validator_error)."
    breaks = f"sum(governor_audit_chain_breaks_total{{{g}}})"
    build = "max by (instance, version, policy_revision, contracts) (governor_build_info)"
    sections: list[tuple[str, list[Panel]]] = [
        ("Decisions", [
            _stat("Decisions /s", decisions, "ops"),
            _stat("Rejection rate", f"{rejected} / {decisions}", "percentunit"),
            _stat("Fail-closed decisions /s", fail_closed, "ops", red_at=0.001, desc=fail_closed_help),
            _rate_ts("Decisions by outcome", d, "gate, outcome", g),
            _rate_ts("Decisions by reason (not approved)", d, "gate, reason", f'{g}, outcome!="approved"'),
            _ts("Rejection rate by gate", "percentunit", (ratio_by_gate, "{{gate}}")),
        ]),
        ("Policy (OPA)", [
            _hist_ts("Policy evaluation latency (one OPA call)", "governor_policy_eval_seconds", "gate", g),
            _hist_ts("Gate latency (consume to decision)", "governor_gate_latency_seconds", "gate", g),
            _hist_ts("Policy batch size", "governor_policy_batch_size", "gate", g, unit="short", mean=True),
            _rate_ts("OPA round trips failed /s (before retry)", "governor_policy_errors_total", "gate", g),
        ]),
        ("Validators, contracts, DLQ and audit", [
            _rate_ts("Validator failures /s", "governor_validator_failures_total", "validator"),
            _rate_ts("Validator errors /s (fail closed)", "governor_validator_errors_total", "validator"),
            _rate_ts("Contract violations /s", "governor_contract_violations_total", "topic, direction"),
            _rate_ts("Dead-lettered messages /s", "governor_dlq_messages_total", "stage, reason"),
            _ts("Audit records vs decisions /s", "ops",
                (_rate("governor_audit_records_total", "gate", g), "{{gate}} audit records"),
                (_rate(d, "gate", g), "{{gate}} decisions"),
                desc="One audit record per decision: the two lines should overlap."),
            _stat("Audit chain breaks (since start)", breaks, red_at=1),
            Table(title="Build and governance revision in force", dataSource=DATASOURCE,
                  targets=[_target(build, instant=True)]),
        ]),
    ]  # fmt: skip
    gate = _query_var("gate", d, "gate")
    return _dashboard("governor-overview", "Governor / Governance overview", "What the gates decide and why.",
                      [gate], _layout(sections))  # fmt: skip


def pipeline() -> Dashboard:
    """Per-stage throughput, latency, batches, in-flight work, lag and transactions."""
    s, grp = 'stage=~"$stage"', 'group=~"$group"'
    lag = f"max by (group, topic, partition) (governor_consumer_lag_messages{{{grp}}})"
    lag_sum = f"sum by (group, topic) ({lag})"
    sections: list[tuple[str, list[Panel]]] = [
        ("Throughput", [
            _rate_ts("Messages consumed /s", "governor_messages_consumed_total", "stage, topic", s),
            _rate_ts("Messages produced /s", "governor_messages_produced_total", "stage, topic", s),
            _rate_ts("Transactions /s by outcome", "governor_transactions_total", "stage, outcome", s),
        ]),
        ("Latency and batches", [
            _hist_ts("Stage latency per batch", "governor_stage_latency_seconds", "stage", s),
            _hist_ts("Batch size", "governor_batch_size", "stage", s, unit="short", mean=True),
            _ts("In-flight messages (consumed, not committed)", "short",
                (f"sum by (stage) (governor_in_flight_messages{{{s}}})", "{{stage}}")),
        ]),
        ("Outages", [
            _ts("Stages blocked on an outage (1 = waiting)", "short",
                (f"max by (stage) (governor_stage_blocked{{{s}}})", "{{stage}}")),
            _rate_ts("Seconds blocked /s", "governor_stage_blocked_seconds_total", "stage", s),
        ]),
        ("Consumer lag", [
            _ts("Consumer lag by group and topic", "short", (lag_sum, "{{group}} {{topic}}")),
            _ts("Consumer lag by partition", "short", (lag, "{{group}} {{topic}}[{{partition}}]")),
        ]),
    ]  # fmt: skip
    variables = [
        _query_var("stage", "governor_messages_consumed_total", "stage"),
        _query_var("group", "governor_consumer_lag_messages", "group"),
    ]
    about = "Each stage's consumer group: throughput, latency, lag."
    return _dashboard("governor-pipeline", "Governor / Pipeline stages", about, variables, _layout(sections))


def models() -> Dashboard:
    """The LLM, retrieval, embeddings, vector store and augmentation data quality."""
    b, llm, emb = 'backend=~"$backend"', "governor_llm_request_seconds", "governor_embedding_batch_size"
    by_outcome = (
        f"histogram_quantile(0.99, sum by (backend, outcome, le) (rate({llm}_bucket{{{b}}}[{RATE}])))"
    )
    sections: list[tuple[str, list[Panel]]] = [
        ("LLM", [
            _hist_ts("LLM request latency", llm, "backend", b),
            _ts("LLM p99 latency by outcome", "s", (by_outcome, "{{backend}} {{outcome}}")),
            _rate_ts("LLM requests /s by outcome", f"{llm}_count", "backend, outcome", b),
        ]),
        ("Retrieval and embeddings", [
            _hist_ts("Retrieval latency (vector search)", "governor_retrieval_seconds"),
            _ts("Retrievals /s", "ops", (f"sum(rate(governor_retrieval_seconds_count[{RATE}]))", "searches")),
            _hist_ts("Embedding batch latency", "governor_embedding_seconds"),
            _hist_ts("Embedding batch size", emb, unit="short"),
            _ts("Texts embedded /s", "ops", (f"sum(rate({emb}_sum[{RATE}]))", "texts")),
            _ts("Vector store chunks", "short", ("max(governor_vector_store_chunks)", "chunks")),
        ]),
        ("Data quality", [
            _rate_ts("Augmentation batches checked /s", "governor_quality_batches_total", "outcome"),
        ]),
    ]  # fmt: skip
    backend = _query_var("backend", f"{llm}_count", "backend")
    about = "Model calls behind the inference and augmentation stages."
    return _dashboard("governor-models", "Governor / LLM and retrieval", about, [backend], _layout(sections))


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
    out: list[tuple[str, dict[str, Any]]] = []
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
            out.extend(
                (f"{file}: {rule['alert']} reads", sel) for sel in dict.fromkeys(selectors(rule["expr"]))
            )
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
