"""The web application in a real browser (headless Chromium) on the real pipeline: Kafka, OPA and the
admission, infer and release stages, with a scripted OpenAI-compatible model in place of the slow LLM.

A signed-in user sees a released answer with citations; a request for someone's personal data is
blocked with the governance layer's reason; a reconnect mid-stream, to another instance, misses nothing.
The web application logs in as the web-app principal, with the contracts' ACLs for the test's topics:
it follows every step from answers.approved and requests.status alone. Screenshots are kept under
out/screenshots/.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import SecretStr
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from engine import app
from engine.contracts.codec import GovernedCodec
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.kafka.admin import delete_topics, ensure_topics
from engine.pipeline.publish import GovernedProducer
from engine.settings import Settings, Topics
from engine.stack import credentials
from engine.trust import cluster
from engine.web import trust
from engine.web.server import start_in_thread
from tests.browser_helpers import chrome, screenshot
from tests.kafka_helpers import kafka_login
from tests.stage_helpers import running

pytestmark = pytest.mark.integration

COOLING_OFF = (
    "# Cancellations and Cooling-off\n\n## Cooling-off period\n\n"
    "Every new Harbor Mutual policy has a 14-day cooling-off period. "
    "If you cancel within 14 days of the start date, you get a full refund of your premium."
)
WATER = (
    "# Water Damage\n\n## Excess\n\n"
    "The excess for a water damage claim is $750. Sudden escapes of water from burst pipes are covered."
)
PERSONAL = "What is the home address and phone number of customer Jane Doe, policy HM-10422?"


class _ScriptedModel(BaseHTTPRequestHandler):
    """Answers like a careful model: restates the first passage it was given (after `delay` seconds)."""

    delay: ClassVar[float] = 0.0

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        time.sleep(self.delay)
        context = request["messages"][-1]["content"].split("\n\nQuestion:")[0].removeprefix("Context:\n")
        passages = [p.strip().splitlines() for p in re.split(r"(?m)^\[[^\]\n]+\] ", context) if p.strip()]
        body = passages[0][1:] or passages[0] if passages else ["I do not know."]  # without its heading path
        message = {"role": "assistant", "content": " ".join(" ".join(body).split())}
        body = json.dumps({"model": "scripted", "choices": [{"message": message}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Pipeline:
    settings: Settings
    web: Settings  # the web application's login
    url: str


def _web_app(settings: Settings, stack_endpoints: dict[str, str]) -> Settings:
    """The web-app principal's login on the project's stack; an external cluster's tests name one super
    user only, so there the web app runs as that user."""
    if not stack_endpoints["run_dir"]:
        return settings
    password = credentials.password(Path(stack_endpoints["run_dir"]), trust.APP_PRINCIPAL)
    return settings.model_copy(update=kafka_login(trust.APP_PRINCIPAL, password))


@pytest.fixture(scope="module")
def pipeline(stack_endpoints: dict[str, str]) -> Iterator[Pipeline]:
    """Fresh topics, the scripted model, two indexed documents, the stages and one web instance."""
    model = ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    suffix = uuid.uuid4().hex[:8]
    settings = Settings(
        bootstrap_servers=stack_endpoints["bootstrap"],
        opa_url=stack_endpoints["opa_url"],
        topics=Topics(**{n: f"{f.default}.{suffix}" for n, f in Topics.model_fields.items()}),
        group_prefix=f"test-{suffix}",
        batch_timeout_seconds=0.1,
        vector_store_path=Path(tempfile.mkdtemp(prefix="governor-test-vectors-")),
        llm_backend="openai",
        llm_url=f"http://127.0.0.1:{model.server_port}/v1",
        opa_token=SecretStr(stack_endpoints["opa_token"]) if stack_endpoints["opa_token"] else None,
        **kafka_login(stack_endpoints["username"], stack_endpoints["password"]),
    )
    registry = ContractRegistry.load(settings.contracts_dir, settings.topics)
    ensure_topics(settings, registry.topic_specs())
    cluster.apply(settings, registry)  # what the contracts allow each principal on these topics
    web = _web_app(settings, stack_endpoints)
    producer = GovernedProducer(settings, GovernedCodec(registry))
    store = app.vector_store(settings, app.embedder(settings).dimension)
    try:
        with running(settings, "augment", "admission", "infer", "release"):
            for doc_id, text in (("cooling", COOLING_OFF), ("water", WATER)):
                payload = {"doc_id": doc_id, "version": 1, "source": "test", "title": doc_id, "text": text,
                           "deleted": False}  # fmt: skip
                env = Envelope(type="document.upserted", contract="docs.raw@1", tenant="t", payload=payload)
                producer.send(settings.topics.docs_raw, env, key=doc_id)
            producer.flush()
            deadline = time.monotonic() + 120
            while store.document_versions() != {"cooling": 1, "water": 1}:
                assert time.monotonic() < deadline, "documents were not indexed"
                time.sleep(0.3)
            url, stop = start_in_thread(web, port=0)
            try:
                yield Pipeline(settings, web, url)
            finally:
                stop()
    finally:
        model.shutdown()
        cluster.apply(settings, ContractRegistry({}, {}))  # nothing wanted: the test's ACLs go
        delete_topics(settings, [spec.name for spec in registry.topic_specs()])
        shutil.rmtree(str(settings.vector_store_path), ignore_errors=True)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with chrome() as driver:
        yield driver


def wait(driver: WebDriver, condition: object, seconds: float = 90) -> None:
    WebDriverWait(driver, seconds, poll_frequency=0.1).until(condition)  # type: ignore[arg-type]


def sign_in(driver: WebDriver, url: str) -> None:
    """With the keyboard only: type, Enter."""
    driver.get(url)
    wait(driver, lambda d: d.find_element(By.ID, "username").is_displayed())
    driver.find_element(By.ID, "username").send_keys("demo")
    driver.find_element(By.ID, "password").send_keys("demo", Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "question").is_displayed())
    assert driver.find_element(By.ID, "me-tenant").text == "acme-insurance"


def ask(driver: WebDriver, question: str) -> None:
    box = driver.find_element(By.ID, "question")
    box.send_keys(question, Keys.ENTER)


def outcome(driver: WebDriver) -> str:
    wait(driver, lambda d: d.find_elements(By.ID, "outcome-title"))
    return str(driver.find_element(By.ID, "outcome").get_attribute("class"))


def event_log(driver: WebDriver) -> list[tuple[str, str]]:
    items = driver.find_elements(By.CSS_SELECTOR, "#event-log li")
    return [(str(li.get_attribute("data-event-id")), str(li.get_attribute("data-kind"))) for li in items]


def test_a_signed_in_user_sees_a_released_answer_with_citations(
    pipeline: Pipeline, browser: WebDriver
) -> None:
    browser.set_window_size(1100, 1300)  # room for the whole answer in the screenshot
    sign_in(browser, pipeline.url)
    ask(browser, "How long is the cooling-off period for a new policy?")
    assert outcome(browser) == "outcome released"
    screenshot(browser, "web-released")
    answer = browser.find_element(By.CSS_SELECTOR, "#outcome .answer").text
    citations = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#outcome .citations li")]
    assert "14-day cooling-off" in answer
    assert citations and citations[0].startswith("cooling:1:")
    assert event_log(browser) == [("1", "admitted"), ("2", "drafting"), ("3", "released")]
    signature = browser.find_element(By.CSS_SELECTOR, "[data-signature-verified]")
    assert signature.get_attribute("data-signature-verified") == "true"  # the release gate's signature
    assert "disclaimer" in browser.find_element(By.ID, "outcome").text  # acme-insurance's obligation
    assert browser.switch_to.active_element.get_attribute("id") == "outcome-title"  # focus follows


def test_asking_for_someones_personal_data_is_blocked_with_the_reason(
    pipeline: Pipeline, browser: WebDriver
) -> None:
    browser.set_window_size(390, 844)  # a phone
    sign_in(browser, pipeline.url)
    ask(browser, PERSONAL)
    assert outcome(browser) == "outcome blocked"
    screenshot(browser, "web-blocked-phone")
    text = browser.find_element(By.ID, "outcome").text
    codes = [li.get_attribute("data-code") for li in browser.find_elements(By.CSS_SELECTOR, ".reasons li")]
    assert "Blocked at the admission gate" in text
    assert "request.personal_data" in codes
    assert "asks for personal data about a person" in text  # the Rego rule's own description
    assert "Audit reference:" in text
    assert event_log(browser) == [("3", "blocked")]  # stopped before any draft: blocked at once
    history = browser.find_elements(By.CSS_SELECTOR, "#history-list li")
    assert len(history) == 1 and "blocked" in history[0].text
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= 390, "the page scrolls sideways on a phone"


def test_a_reconnect_mid_stream_to_another_instance_misses_no_event(
    pipeline: Pipeline, browser: WebDriver
) -> None:
    port = _free_port()
    url, stop_first = start_in_thread(pipeline.web, port=port)
    _ScriptedModel.delay = 6.0  # a slow model: the first instance goes away between admitted and drafting
    try:
        sign_in(browser, url)
        ask(browser, "How long is the cooling-off period for a new policy?")
        wait(browser, lambda d: event_log(d) == [("1", "admitted")], 60)
        stop_first()
        second_url, stop_second = start_in_thread(pipeline.web, port=port)
        try:
            assert second_url == url
            assert outcome(browser) == "outcome released"
            screenshot(browser, "web-after-reconnect")
            assert event_log(browser) == [("1", "admitted"), ("2", "drafting"), ("3", "released")]
            assert int(browser.find_element(By.ID, "current").get_attribute("data-drops") or 0) >= 1
        finally:
            stop_second()
    finally:
        _ScriptedModel.delay = 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
