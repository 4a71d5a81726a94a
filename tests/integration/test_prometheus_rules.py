"""The rules and dashboards against a real Prometheus (Debian's package): promtool, then a live scrape.

A missing prometheus/promtool fails these tests (install() raises); nothing here skips.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import dashboards
from engine.settings import REPO_ROOT
from engine.stack import process, prometheus

pytestmark = pytest.mark.integration

RULES = sorted(dashboards.RULES_DIR.glob("*.yml"))
RULE_TESTS = sorted((dashboards.RULES_DIR / "tests").glob("*.yml"))

# A tiny process exposing every engine metric: each labelled child touched with bounded values
# (so every series exists), then counters and histograms keep moving so rates are non-zero.
EXPORTER = r"""
import itertools, sys, time
from prometheus_client.metrics import MetricWrapperBase
from engine import metrics

VALUES = {
    "gate": ["release", "admission"],
    "outcome": ["approved", "rejected", "dlq", "committed", "aborted", "ok", "error", "passed", "failed"],
    "reason": ["ok", "policy_unavailable", "validator_error", "pii.email", "contract_violation"],
    "stage": ["augment", "admit", "infer", "workflow", "release"],
    "topic": ["answers.draft", "docs.raw"],
    "direction": ["produce", "consume"],
    "validator": ["pii", "secrets"],
    "group": ["governor.release"],
    "partition": ["0", "1"],
    "backend": ["local", "openai"],
}
children = []
for metric in vars(metrics).values():
    if not isinstance(metric, MetricWrapperBase) or metric is metrics.BUILD_INFO:
        continue
    names = metric._labelnames
    missing = [n for n in names if n not in VALUES]
    if missing:
        sys.exit(f"exporter: no test values for label(s) {missing} of {metric._name}")
    for combo in itertools.product(*(VALUES[n] for n in names)):
        children.append(metric.labels(*combo) if names else metric)
metrics.serve(int(sys.argv[1]), policy_revision="test", contracts="test")
for tick in itertools.count(1):
    for child in children:
        if hasattr(child, "observe"):
            child.observe(0.003 * (tick % 7 + 1))
        elif child._type == "counter":
            child.inc()
        else:
            child.set(tick)
    time.sleep(0.25)
"""


@pytest.fixture(scope="module")
def binaries() -> tuple[Path, Path]:
    return prometheus.install()


def promtool(binary: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=120)


def test_promtool_check_rules(binaries: tuple[Path, Path]) -> None:
    result = promtool(binaries[1], "check", "rules", *map(str, RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(RULES) >= 2


def test_promtool_unit_tests_pass(binaries: tuple[Path, Path]) -> None:
    assert RULE_TESTS, "no promtool tests in dashboards/prometheus/tests/"
    result = promtool(binaries[1], "test", "rules", *map(str, RULE_TESTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("broken", ["vector(0) > 1", "vector(1)"], ids=["never-fires", "always-fires"])
def test_promtool_unit_tests_catch_an_alert_that_never_or_always_fires(
    binaries: tuple[Path, Path], tmp_path: Path, broken: str
) -> None:
    """Break every alert in a copy of the rules: the promtool tests of each alert must then fail."""
    copy = tmp_path / "prometheus"
    shutil.copytree(dashboards.RULES_DIR, copy)
    doc = yaml.safe_load((copy / "alerts.yml").read_text())
    names = set()
    for group in doc["groups"]:
        for rule in group["rules"]:
            rule["expr"] = broken
            names.add(rule["alert"])
    (copy / "alerts.yml").write_text(yaml.safe_dump(doc))
    result = promtool(binaries[1], "test", "rules", *(str(copy / "tests" / p.name) for p in RULE_TESTS))
    assert result.returncode != 0
    failed = set(re.findall(r"alertname: (\w+), time:", result.stdout + result.stderr))
    assert names - failed == set(), f"promtool tests still pass with {broken!r} for: {sorted(names - failed)}"


# ---------------------------------------------------------------- live scrape


def query(url: str, expr: str) -> list[Any]:
    params = urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(f"{url}/api/v1/query?{params}", timeout=5) as resp:
        body = json.load(resp)
    assert body["status"] == "success", f"{expr}: {body}"
    return list(body["data"]["result"])


@pytest.fixture(scope="module")
def live_prometheus(binaries: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our Prometheus on loopback, with the shipped rules, scraping the exporter above every second."""
    run_dir = tmp_path_factory.mktemp("prom-live")
    port = process.free_port()
    pid = process.start_daemon(
        "exporter", [sys.executable, "-c", EXPORTER, str(port)], run_dir, env={"PYTHONPATH": str(REPO_ROOT)}
    )
    try:
        process.wait_until(lambda: process.port_open(port), "metrics exporter", 30, pid=pid,
                           log=run_dir / "exporter.log")  # fmt: skip
        prom_port = prometheus.start(binaries[0], run_dir, [f"127.0.0.1:{port}"], dashboards.RULES_DIR)
        yield f"http://127.0.0.1:{prom_port}"
    finally:
        prometheus.stop(run_dir)
        process.stop_daemon(run_dir, "exporter")


def test_our_prometheus_scrapes_the_target_and_loads_every_rule(live_prometheus: str) -> None:
    url = live_prometheus
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not query(url, 'up{job="governor"} == 1'):
        time.sleep(0.5)
    assert query(url, 'up{job="governor"} == 1'), "the governor target is not up"
    with urllib.request.urlopen(f"{url}/api/v1/rules", timeout=5) as resp:
        groups = json.load(resp)["data"]["groups"]
    loaded = {r["name"]: r for g in groups for r in g["rules"]}
    expected = {r.get("record") or r["alert"] for _, r in dashboards.rule_groups()}
    assert set(loaded) == expected
    assert all(r["health"] != "err" for r in loaded.values()), [
        r for r in loaded.values() if r["health"] == "err"
    ]


def test_every_dashboard_and_rule_query_returns_data(live_prometheus: str) -> None:
    """A renamed metric or label value breaks this: each query must return at least one series."""
    queries = dashboards.all_queries()
    empty = list(queries)
    deadline = time.monotonic() + 30  # rate() needs two scrapes; recording rules one evaluation after
    while empty and time.monotonic() < deadline:
        empty = [(where, expr) for where, expr in empty if not query(live_prometheus, expr)]
        if empty:
            time.sleep(1)
    assert not empty, "queries with no data:\n" + "\n".join(f"{w}: {e}" for w, e in empty)
    assert len(queries) > 40
