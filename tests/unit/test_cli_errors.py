"""Every command meets bad input with one clear line on stderr that names the file, argument or setting,
and exit code 2 (distinct from 1, "a negative verdict"); a traceback only with --verbose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import cli

CLOSED = "127.0.0.1:1"  # nothing listens on port 1


@pytest.fixture(autouse=True)
def no_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache: no local stack state, so nothing resolves to a running server by accident."""
    monkeypatch.setenv("GOVERNOR_CACHE", str(tmp_path / "cache"))
    for name in ("GOVERNOR_BOOTSTRAP_SERVERS", "GOVERNOR_OPA_URL", "GOVERNOR_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(argv)
    return code, capsys.readouterr().err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("governor: error: "), lines[0]
    assert "Traceback" not in err
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "argv_of, names",
    [
        (lambda d: ["contracts", "diff", str(d / "missing.json"), str(d / "ok.json")], "missing.json"),
        (
            lambda d: ["contracts", "diff", str(write(d / "bad.json", "{not json")), str(d / "ok.json")],
            "bad.json",
        ),
        (
            lambda d: ["contracts", "diff", str(write(d / "list.json", "[1, 2]")), str(d / "ok.json")],
            "list.json",
        ),
        (lambda d: ["contracts", "diff", str(d), str(d / "ok.json")], "is a folder, not a file"),
        (lambda d: ["audit", "verify", "--file", str(d / "missing.jsonl")], "missing.jsonl"),
        (lambda d: ["audit", "verify", "--file", str(write(d / "junk.jsonl", "junk\n"))], "junk.jsonl"),
        (lambda d: ["gate", "replay", "--input", str(d / "nothing.jsonl")], "nothing.jsonl"),
        (lambda d: ["gate", "replay", "--input", str(d / "ok.json"), "--policies", str(d / "nope")], "nope"),
        (lambda d: ["run", "nosuchstage"], "nosuchstage"),
        (lambda d: ["bench", "gate", "--count", "0"], "--count"),
        (lambda d: ["bench", "gate", "--count", "many"], "--count"),
        (lambda d: ["policy", "test", "--min-coverage", "lots"], "--min-coverage"),
        (lambda d: ["stack", "up", "--brokers", "2"], "--brokers"),
        (lambda d: ["no-such-command"], "no-such-command"),
        (lambda d: ["audit", "tail"], "GOVERNOR_BOOTSTRAP_SERVERS"),
        (lambda d: ["ask", "a question?"], "GOVERNOR_BOOTSTRAP_SERVERS"),
        (lambda d: ["contracts", "provision"], "GOVERNOR_BOOTSTRAP_SERVERS"),
    ],
)
def test_bad_input_is_one_line_naming_it_with_exit_2(
    argv_of: object, names: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "ok.json", json.dumps({"type": "object"}))
    argv = argv_of(tmp_path)  # type: ignore[operator]
    code, err = run(argv, capsys)
    assert code == 2, f"{argv}: exit {code}, stderr {err!r}"
    assert names in one_line(err)


def test_a_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GOVERNOR_BATCH_SIZE", "lots")
    code, err = run(["contracts", "list"], capsys)
    assert code == 2 and "batch_size" in one_line(err).lower()
    monkeypatch.delenv("GOVERNOR_BATCH_SIZE")
    monkeypatch.setenv("GOVERNOR_BATCH_SIZ", "10")
    code, err = run(["contracts", "list"], capsys)
    assert code == 2 and "GOVERNOR_BATCH_SIZ" in one_line(err)


def test_an_unreachable_kafka_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GOVERNOR_BOOTSTRAP_SERVERS", CLOSED)
    code, err = run(["audit", "tail"], capsys)
    assert code == 2 and "Kafka" in one_line(err)


def test_incompatible_is_exit_1_not_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(
        tmp_path / "old.json", json.dumps({"type": "object", "properties": {"a": {"type": "string"}}})
    )
    new = write(tmp_path / "new.json", json.dumps({"type": "object", "required": ["a"]}))
    assert cli.main(["contracts", "diff", str(old), str(new)]) == 1
    assert cli.main(["contracts", "diff", str(old), str(old)]) == 0


def test_verbose_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "bad.json", "{")
    code, err = run(["--verbose", "contracts", "diff", str(bad), str(bad)], capsys)
    assert code == 2 and "Traceback" in err and "bad.json" in err.splitlines()[-1]


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        assert cli.main([name, "--help"]) == 0
        assert "usage: governor " + name in capsys.readouterr().out
