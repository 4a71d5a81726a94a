"""Ed25519 signing keys, one set per owner (the release gate, each submitting app), kept in a folder
only their owner reads. The newest key signs; every key not retired verifies, so rotation is: make a
new key, let readers fetch the published set, retire the old key id later."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from jwcrypto import jwk

from engine.errors import GovernorError
from engine.private_files import create_once

_OWNER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


class KeyError_(GovernorError):
    """A key is missing, unreadable or retired; the message names the owner and key id, never the key."""


def _folder(keys_dir: Path, owner: str) -> Path:
    if not owner or not set(owner) <= _OWNER_CHARS:
        raise KeyError_(f"key owner {owner!r}: use lower-case letters, digits, '-' and '_'")
    return keys_dir / owner


def _write_private(path: Path, text: str) -> None:
    if not create_once(path, text.encode()):
        raise FileExistsError(path)  # a key file is never overwritten


def new_key(keys_dir: Path, owner: str) -> str:
    """Generate a key for `owner` and make it the one that signs; returns its key id."""
    folder = _folder(keys_dir, owner)
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 10**9)) + f"{now % 10**9:09d}"
    kid = f"{owner}-{stamp}-{secrets.token_hex(3)}"
    key = jwk.JWK.generate(kty="OKP", crv="Ed25519", kid=kid, use="sig", alg="EdDSA")
    _write_private(folder / f"{kid}.jwk", key.export_private())
    return kid


def _kids(keys_dir: Path, owner: str) -> list[str]:
    """Key ids not retired, oldest first (key ids start with a UTC timestamp)."""
    folder = _folder(keys_dir, owner)
    return sorted(p.stem for p in folder.glob("*.jwk")) if folder.is_dir() else []


def signing_key(keys_dir: Path, owner: str) -> jwk.JWK:
    """The newest key of `owner`, generated at first use."""
    kids = _kids(keys_dir, owner) or [new_key(keys_dir, owner)]
    path = _folder(keys_dir, owner) / f"{kids[-1]}.jwk"
    if path.stat().st_mode & 0o077:
        raise KeyError_(f"{path}: readable by others; `chmod 600` it before signing with key {kids[-1]}")
    return jwk.JWK.from_json(path.read_text())


def public_keys(keys_dir: Path, owner: str) -> list[dict[str, str]]:
    """`owner`'s verification keys as public JWKs (what `governor keys show` publishes)."""
    folder = _folder(keys_dir, owner)
    published = []
    for kid in _kids(keys_dir, owner):
        key = jwk.JWK.from_json((folder / f"{kid}.jwk").read_text())
        published.append(json.loads(key.export_public()))
    return published


def retire(keys_dir: Path, owner: str, kid: str) -> None:
    """Stop signing and verifying with `kid` (its file is kept as `<kid>.retired`)."""
    path = _folder(keys_dir, owner) / f"{kid}.jwk"
    if not path.exists():
        raise KeyError_(f"{owner} has no key {kid!r}; known: {', '.join(_kids(keys_dir, owner)) or 'none'}")
    path.rename(path.with_suffix(".retired"))
