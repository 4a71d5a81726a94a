"""Commands compliance teams use: replay and shadow-compare a policy change, policy tests with a
coverage floor, contract checks and diffs, and the local stack's own commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import cli
from engine.settings import REPO_ROOT

pytestmark = pytest.mark.integration
SAMPLES = REPO_ROOT / "samples" / "drafts.jsonl"
# id -> (outcome, reason codes): the decisions samples/README.md documents
EXPECTED = {
    "d-001": ("approved", set()),
    "d-002": ("approved", set()),
    "d-003": ("approved", set()),
    "d-004": ("approved", set()),
    "d-005": ("approved", set()),
    "d-006": ("approved", set()),
    "d-007": ("rejected", {"pii.email", "pii.phone"}),
    "d-008": ("rejected", {"pii.card"}),
    "d-009": ("rejected", {"pii.ssn"}),
    "d-010": ("rejected", {"pii.iban"}),
    "d-011": ("approved", set()),
    "d-012": ("rejected", {"secrets.present"}),
    "d-013": ("rejected", {"grounding.unsupported"}),
    "d-014": ("rejected", {"grounding.no_context"}),
    "d-015": ("rejected", {"injection.echo"}),
    "d-016": ("rejected", {"grounding.unsupported", "injection.system_prompt_leak"}),
    "d-017": ("rejected", {"grounding.unsupported", "relevance.off_question"}),
    # strict-bank blocks the topic; "cryptocurrency" quoted from the tenant's own payment passage is not
    # an answer out of scope (issue 9: scope ignores terms the retrieved context itself uses).
    "d-018": ("rejected", {"scope.blocked_topic"}),
    # The same grounded answer for acme-insurance, which does not block the topic: a correct answer that
    # quotes the tenant's own passage is released (it was a false reject before issue 9's second pass).
    "d-019": ("approved", set()),
    "d-020": ("rejected", {"format.empty"}),
    "d-021": ("rejected", {"toxicity.word_list"}),
    "d-022": ("dlq", {"contract.type"}),
}


def governor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_replay_decides_the_shipped_samples_and_compare_shows_a_policy_change(tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    proposed = tmp_path / "proposed"
    shutil.copytree(REPO_ROOT / "policies", proposed)
    tenants = json.loads((proposed / "tenants" / "data.json").read_text())
    tenants["acme-insurance"]["pii"] = "reject"  # the proposed change: acme stops redacting PII
    (proposed / "tenants" / "data.json").write_text(json.dumps(tenants))

    result = governor(
        "gate",
        "replay",
        "--input",
        str(SAMPLES),
        "--policies",
        str(REPO_ROOT / "policies"),
        "--output",
        str(out),
        "--compare",
        str(proposed),
    )
    assert result.returncode == 0, result.stderr
    decisions = {d["id"]: d for d in map(json.loads, out.read_text().splitlines())}
    for draft_id, (outcome, codes) in EXPECTED.items():
        assert decisions[draft_id]["outcome"] == outcome, (draft_id, decisions[draft_id])
        assert set(decisions[draft_id]["reasons"]) == codes, (draft_id, decisions[draft_id])
    assert "[REDACTED]" in decisions["d-006"]["answer"] and "@" not in decisions["d-006"]["answer"]
    assert decisions["d-007"]["answer"] is None
    changed = [json.loads(line) for line in result.stdout.splitlines()]  # decisions went to --output
    assert {c["id"] for c in changed} == {"d-006", "d-011"}
    assert all(c["before"]["outcome"] == "approved" and c["after"]["outcome"] == "rejected" for c in changed)
    assert "2 of 22 decisions change" in result.stderr


def test_policy_test_passes_at_full_coverage_and_fails_below_it(tmp_path: Path) -> None:
    assert governor("policy", "test").returncode == 0
    weak = tmp_path / "policies"
    shutil.copytree(REPO_ROOT / "policies", weak)
    (weak / "release" / "extra.rego").write_text(
        "package governor.release\n\nuntested_rule if input.never_set == true\n"
    )
    result = governor("policy", "test", env={"GOVERNOR_POLICIES_DIR": str(weak)})
    assert result.returncode == 1
    assert "not covered" in result.stdout and "extra.rego" in result.stdout


def test_contracts_check_and_diff_report_incompatible_changes(tmp_path: Path) -> None:
    assert governor("contracts", "check").returncode == 0
    contracts = tmp_path / "contracts"
    shutil.copytree(REPO_ROOT / "contracts", contracts)
    draft = contracts / "answers.draft"
    (draft / "history").mkdir(exist_ok=True)
    shutil.copy(draft / "schema.json", draft / "history" / "v1.schema.json")
    schema = json.loads((draft / "schema.json").read_text())
    schema["properties"]["answer"]["maxLength"] = 100  # narrower: old drafts would no longer validate
    (draft / "schema.json").write_text(json.dumps(schema))
    meta = (draft / "contract.yaml").read_text().replace("version: 1", "version: 2")
    (draft / "contract.yaml").write_text(meta)
    result = governor("contracts", "check", env={"GOVERNOR_CONTRACTS_DIR": str(contracts)})
    assert result.returncode == 1
    assert "answers.draft: v1 -> v2 is not backward compatible" in result.stdout
    assert "maxLength" in result.stdout

    old, new = draft / "history" / "v1.schema.json", draft / "schema.json"
    assert cli.main(["contracts", "diff", str(old), str(new), "--mode", "forward"]) == 0
    assert cli.main(["contracts", "diff", str(old), str(new), "--mode", "backward"]) == 1


def test_a_broken_contract_stops_start_up_naming_the_file(tmp_path: Path) -> None:
    contracts = tmp_path / "contracts"
    shutil.copytree(REPO_ROOT / "contracts", contracts)
    (contracts / "prompts.requested" / "schema.json").write_text('{"type": "object", "minProperties": -1}')
    result = governor("contracts", "list", env={"GOVERNOR_CONTRACTS_DIR": str(contracts)})
    assert result.returncode == 2
    assert "prompts.requested/schema.json" in result.stderr and "Draft 2020-12" in result.stderr


def test_stack_up_status_down_serve_and_stop_only_their_own_servers(tmp_path: Path) -> None:
    env = {"GOVERNOR_STACK_NAME": f"cli-test-{tmp_path.name}"}
    up = governor("stack", "up", "--with-prometheus", env=env)
    try:
        assert up.returncode == 0, up.stderr + up.stdout
        assert "kafka      127.0.0.1:" in up.stdout and "opa        http://127.0.0.1:" in up.stdout
        assert "prometheus http://127.0.0.1:" in up.stdout
        status = governor("stack", "status", env=env)
        assert (
            status.returncode == 0
            and "kafka-1      up" in status.stdout
            and "opa          up" in status.stdout
            and "prometheus   up" in status.stdout
        )
    finally:
        down = governor("stack", "down", env=env)
    assert "stopped" in down.stdout and all(n in down.stdout for n in ("kafka-1", "opa", "prometheus"))
    assert governor("stack", "status", env=env).returncode == 1
