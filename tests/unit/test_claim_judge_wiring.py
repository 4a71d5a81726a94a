"""The optional claim judge: GOVERNOR_JUDGE_URL wires an OpenAI-compatible endpoint into grounding."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from engine import app
from engine.settings import Settings
from engine.validators.base import ContextPassage, Subject

CONTEXT = (
    ContextPassage("pet#1", "There is a 14-day waiting period for illness claims on a new pet policy."),
)


class _ScriptedJudge(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that labels every claim with ``label``."""

    label: ClassVar[str] = "entailed"
    prompts: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        prompt = request["messages"][-1]["content"]
        type(self).prompts.append(prompt)
        claims = [line for line in prompt.split("Claims:\n", 1)[1].splitlines() if line[:1].isdigit()]
        message = {"role": "assistant", "content": json.dumps([self.label] * len(claims))}
        body = json.dumps({"model": "judge", "choices": [{"message": message}], "usage": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def judge_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedJudge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _ScriptedJudge.prompts = []
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _grounding(settings: Settings, answer: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    validators = {v.name: v for v in app.gate_validators("release", settings)}
    result = validators["grounding"].check(Subject(answer, "Is there a waiting period?", CONTEXT))
    return result.checks, tuple(f.code for f in result.findings)


def test_without_a_judge_url_grounding_runs_its_cheap_checks_only() -> None:
    checks, codes = _grounding(Settings(), "There is a 14-day waiting period for illness claims.")
    assert "judge" not in checks and codes == ()


def test_judge_url_serves_tenants_that_require_the_judge(judge_url: str) -> None:
    settings = Settings(judge_url=judge_url, judge_model="scripted")
    _ScriptedJudge.label = "entailed"
    checks, codes = _grounding(settings, "There is a 14-day waiting period for illness claims.")
    assert "judge" in checks and codes == ()
    assert "14-day waiting period" in _ScriptedJudge.prompts[-1]


def test_a_claim_the_judge_finds_contradicted_is_reported(judge_url: str) -> None:
    settings = Settings(judge_url=judge_url, judge_model="scripted")
    _ScriptedJudge.label = "contradicted"
    _, codes = _grounding(settings, "There is a 14-day waiting period for illness claims.")
    assert codes == ("grounding.contradicted",)


# A paraphrase the lexical checks cannot place ("a fortnight" of "sickness" for "14-day ... illness", none of
# its other words in the passage): unsupported for them, entailed for a judge that reads it.
PARAPHRASE = "Sickness cover only starts once a fortnight has gone by since you took the policy out."


def test_a_confirming_judge_cannot_release_what_the_cheap_checks_stopped(judge_url: str) -> None:
    _, lexical = _grounding(Settings(), PARAPHRASE)
    assert lexical, "the paraphrase must be one the lexical checks stop, or this test proves nothing"
    _ScriptedJudge.label = "entailed"
    _, codes = _grounding(Settings(judge_url=judge_url, judge_model="scripted"), PARAPHRASE)
    assert codes == lexical and _ScriptedJudge.prompts == []


def test_a_deciding_judge_releases_a_paraphrase_it_finds_entailed(judge_url: str) -> None:
    settings = Settings(judge_url=judge_url, judge_model="scripted", judge_role="decide")
    _ScriptedJudge.label = "entailed"
    checks, codes = _grounding(settings, PARAPHRASE)
    assert "judge" in checks and codes == ()
    assert "fortnight" in _ScriptedJudge.prompts[-1]


@pytest.mark.parametrize(
    ("label", "code"), [("neutral", "grounding.unsupported"), ("contradicted", "grounding.contradicted")]
)
@pytest.mark.parametrize("answer", ["Illness claims wait 14 days on a new pet policy.", PARAPHRASE])
def test_a_deciding_judge_label_is_the_outcome(judge_url: str, label: str, code: str, answer: str) -> None:
    """Whatever the lexical checks made of the claim: supported, or (the paraphrase) unsupported."""
    settings = Settings(judge_url=judge_url, judge_model="scripted", judge_role="decide")
    _ScriptedJudge.label = label
    _, codes = _grounding(settings, answer)
    assert codes == (code,)


def test_a_deciding_judge_is_not_asked_about_a_sentence_a_passage_restates_word_for_word(
    judge_url: str,
) -> None:
    settings = Settings(judge_url=judge_url, judge_model="scripted", judge_role="decide")
    _ScriptedJudge.label = "contradicted"
    _, codes = _grounding(settings, CONTEXT[0].text)
    assert codes == () and _ScriptedJudge.prompts == []


def test_judge_role_is_confirm_unless_set() -> None:
    assert Settings().judge_role == "confirm"
    with pytest.raises(ValueError):
        Settings(judge_role="overrule")  # type: ignore[arg-type]
