"""A running local stack is reused only by the checkout whose policies it serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import StackError
from engine.stack import local


def test_a_stack_serving_another_checkouts_policies_is_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, theirs = tmp_path / "mine" / "policies", tmp_path / "theirs" / "policies"
    for folder in (mine, theirs):
        folder.mkdir(parents=True)
    running = local.StackState("127.0.0.1:1", "http://127.0.0.1:2", policies_dir=str(theirs.resolve()))
    running.save(tmp_path / "run")
    monkeypatch.setattr(local, "status", lambda run_dir: {"kafka-1": True, "opa": True})
    with pytest.raises(StackError, match="serves the policies of"):
        local.up(tmp_path / "cache", tmp_path / "run", mine, log=False)
    assert local.up(tmp_path / "cache", tmp_path / "run", theirs, log=False).opa_url == running.opa_url
