"""The users file: who may sign in, with which password (scrypt hash), acting for which tenant."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import yaml

from engine.errors import ConfigError

# scrypt cost: about 16 MiB and a few tens of milliseconds per check on this machine size.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_HASH = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)")
USER_NAME = re.compile(r"[a-z][a-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class User:
    """A signed-in person: their name and the tenant whose policies govern what they ask."""

    name: str
    tenant: str


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n=..,r=..,p=..$<salt>$<hash>` for the users file."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    b64 = base64.b64encode
    return f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def check_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored scrypt hash (constant-time comparison)."""
    m = _HASH.fullmatch(stored)
    if m is None:
        return False
    n, r, p = (int(x) for x in m.group(1, 2, 3))
    digest = _scrypt(password, base64.b64decode(m.group(4)), n, r, p)
    return hmac.compare_digest(digest, base64.b64decode(m.group(5)))


def _cost_ok(stored: str) -> bool:
    """n a power of two up to 2**20, r and p small: a hash that would cost seconds or gigabytes is refused."""
    m = _HASH.fullmatch(stored)
    if m is None:
        return False
    n, r, p = (int(x) for x in m.group(1, 2, 3))
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4 and 128 * n * r <= 2**26


@dataclass(frozen=True)
class _Entry:
    user: User
    password_hash: str


class UserDirectory:
    """The users of one users file; `authenticate` answers the same way, and as slowly, for unknown names."""

    def __init__(self, entries: dict[str, _Entry]) -> None:
        self._entries = entries
        self._dummy = hash_password(secrets.token_hex(8))

    @classmethod
    def load(cls, path: Path) -> UserDirectory:
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"users file {path}: {exc}") from exc
        users = data.get("users") if isinstance(data, dict) else None
        if not isinstance(users, list):
            raise ConfigError(f"users file {path}: expected a top-level 'users:' list")
        entries: dict[str, _Entry] = {}
        for i, item in enumerate(users):
            where = f"users file {path}: users[{i}]"
            if not isinstance(item, dict) or set(item) != {"name", "tenant", "password_hash"}:
                raise ConfigError(f"{where}: needs exactly the keys name, tenant, password_hash")
            name, tenant, hashed = item["name"], item["tenant"], item["password_hash"]
            if not isinstance(name, str) or not USER_NAME.fullmatch(name):
                raise ConfigError(f"{where}: name must match {USER_NAME.pattern}")
            if not isinstance(tenant, str) or not tenant:
                raise ConfigError(f"{where}: tenant must be a non-empty string")
            if not isinstance(hashed, str) or not _HASH.fullmatch(hashed):
                raise ConfigError(
                    f"{where}: password_hash is not a scrypt hash (make one: governor web hash)"
                )
            if not _cost_ok(hashed):
                raise ConfigError(f"{where}: password_hash has scrypt parameters out of range")
            if name in entries:
                raise ConfigError(f"{where}: user '{name}' is listed twice")
            entries[name] = _Entry(User(name, tenant), hashed)
        return cls(entries)

    def get(self, name: str) -> User | None:
        entry = self._entries.get(name)
        return entry.user if entry else None

    def authenticate(self, name: str, password: str) -> User | None:
        entry = self._entries.get(name)
        ok = check_password(password, entry.password_hash if entry else self._dummy)
        return entry.user if entry and ok else None
