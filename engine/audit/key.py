"""The audit key: a random 32-byte HMAC key in the keys folder (mode 0600), made at first use. Gates MAC
every audit record with it, `audit verify` checks the MACs, so a principal that can write to the audit
topic but does not hold the key cannot append or rewrite a record that verifies."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.errors import GovernorError
from engine.private_files import create_once

KEY_FILE = "audit/hmac.key"


class AuditKeyError(GovernorError):
    """The audit key is unreadable or exposed; the message names the file, never the key."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.secret).hexdigest()[:16]


def _path(keys_dir: Path) -> Path:
    return keys_dir / KEY_FILE


def load(keys_dir: Path) -> AuditKey | None:
    """The audit key, or None when none was made yet."""
    path = _path(keys_dir)
    if not path.exists():
        return None
    if path.stat().st_mode & 0o077:
        raise AuditKeyError(f"{path}: readable by others; `chmod 600` it (the audit key must stay private)")
    secret = bytes.fromhex(path.read_text().strip() or "00")
    if len(secret) < 32:
        raise AuditKeyError(f"{path}: not a 32-byte hex audit key")
    return AuditKey(secret)


def ensure(keys_dir: Path) -> AuditKey:
    """The audit key, made at first use (mode 0600; a concurrent maker wins and its key is used)."""
    found = load(keys_dir)
    if found is not None:
        return found
    create_once(_path(keys_dir), secrets.token_hex(32).encode())
    made = load(keys_dir)
    assert made is not None
    return made
