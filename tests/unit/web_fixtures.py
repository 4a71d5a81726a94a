"""A web context without Kafka: real users, tokens, request ids and hub; a submitter that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.web.app import WebContext
from engine.web.events import EventHub
from engine.web.request_ids import RequestIds
from engine.web.tokens import TokenSigner
from engine.web.users import User, UserDirectory, hash_password


@dataclass
class RecordingSubmitter:
    asked: list[tuple[str, User, str]] = field(default_factory=list)

    def submit(self, request_id: str, user: User, question: str) -> None:
        self.asked.append((request_id, user, question))


def users_file(tmp: Path) -> Path:
    path = tmp / "users.yaml"
    path.write_text(
        "users:\n"
        f"  - {{name: demo, tenant: acme-insurance, password_hash: '{hash_password('demo-pass')}'}}\n"
        f"  - {{name: mallory, tenant: strict-bank, password_hash: '{hash_password('other-pass')}'}}\n"
    )
    return path


def context(tmp: Path, stream_seconds: float = 5.0) -> WebContext:
    return WebContext(
        users=UserDirectory.load(users_file(tmp)),
        signer=TokenSigner(b"k" * 32),
        ids=RequestIds(b"i" * 32),
        hub=EventHub(),
        submitter=RecordingSubmitter(),
        stream_seconds=stream_seconds,
        ping_seconds=60,
    )
