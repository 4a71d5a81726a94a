"""The web application's secret: made at first use under the cache folder (mode 0600), shared by every
instance that reads the same file, and split into one key per purpose."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from engine.errors import ConfigError
from engine.private_files import create_once

KEY_BYTES = 32


def key_path(cache_dir: Path) -> Path:
    return cache_dir / "web" / "secret.key"


def load_or_create(cache_dir: Path) -> bytes:
    """The secret in `<cache>/web/secret.key`, created (0600, never overwritten) when missing."""
    path = key_path(cache_dir)
    create_once(path, secrets.token_bytes(KEY_BYTES))  # of two instances starting at once, one writes
    return _read(path)


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ConfigError(f"{path} must hold exactly {KEY_BYTES} bytes (delete it to make a new one)")
    return key


def derive(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose ('tokens', 'request-ids'): a leak of one use does not forge another."""
    return hmac.new(secret, f"governor-web/{purpose}".encode(), hashlib.sha256).digest()
