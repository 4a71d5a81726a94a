"""The local stack's secrets: one password per Kafka principal and OPA's token, generated at the first
`stack up` and kept beside the stack's data in a file only its owner can read (mode 0600)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from engine.errors import StackError

ADMIN = "admin"  # super user: provisions topics, ACLs and credentials
CONTROLLER = "controller"  # super user on the controller listener only (PLAIN)
SUPER_USERS = (ADMIN, CONTROLLER)
OPA_TOKEN = "opa-token"  # the bearer token OPA requires; kept with the passwords
_FILE = "credentials.json"


def _path(run_dir: Path) -> Path:
    return run_dir / _FILE


def write_private(path: Path, text: str) -> None:
    """Write `text` to a file created with mode 0600 (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def load(run_dir: Path) -> dict[str, str]:
    """Every principal's password (and `opa-token`); empty when the stack never started here."""
    path = _path(run_dir)
    if not path.exists():
        return {}
    if path.stat().st_mode & 0o077:
        raise StackError(f"{path}: readable by others; `chmod 600 {path}` before using it")
    data = json.loads(path.read_text())
    if not isinstance(data, dict):
        raise StackError(f"{path}: expected a mapping of principal names to passwords")
    return {str(k): str(v) for k, v in data.items()}


def ensure(run_dir: Path, names: Iterable[str]) -> dict[str, str]:
    """Passwords for `names` (plus the super users and OPA's token), generating what is missing."""
    current = load(run_dir)
    wanted = {*SUPER_USERS, OPA_TOKEN, *names}
    missing = wanted - set(current)
    if missing:
        current.update({name: secrets.token_urlsafe(24) for name in sorted(missing)})
        write_private(_path(run_dir), json.dumps(current, indent=2, sort_keys=True))
    return current


def password(run_dir: Path, name: str) -> str:
    """One principal's password; a clear error naming the principal (never a secret) when there is none."""
    creds = load(run_dir)
    if name not in creds:
        known = ", ".join(sorted(k for k in creds if k != OPA_TOKEN)) or "none (run `governor stack up`)"
        raise StackError(f"no credentials for principal {name!r} in {_path(run_dir)}; known: {known}")
    return creds[name]


def scrub(text: str, secrets: dict[str, str]) -> str:
    """`text` with every known secret replaced, for error messages that quote a tool's output."""
    for secret in secrets.values():
        text = text.replace(secret, "***")
    return text
