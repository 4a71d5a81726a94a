"""Request identities: each submitting app signs its prompts (a detached EdDSA JWS over the record's
bytes, in a header) with its own key. The apps' public keys are policy data (`data.app_keys`, published
into OPA beside `policies/`); admission checks the signature against them, and Rego decides whether the
signing app may act for the tenant the request names (`data.identity.apps`)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jwcrypto import jwk

from engine.contracts.registry import ContractRegistry
from engine.settings import Settings
from engine.stack import credentials
from engine.trust import keys, signature
from engine.trust.approvals import SigningCodec
from engine.trust.signature import SignatureError

APP_KEYS = "app_keys"  # OPA data document: {app: [public JWK, ...]}
REQUEST_SIGNATURE_HEADER = signature.SIGNATURE_HEADER
RELOAD_INTERVAL_SECONDS = 1.0  # at most one key reload a second, however many unknown key ids arrive

Identity = dict[str, str]


def keys_folder(run_dir: Path) -> Path:
    """Where the local stack's OPA loads the apps' published keys from."""
    return run_dir / "app-keys"


def publish_local(keys_dir: Path, policies_dir: Path, run_dir: Path) -> Path:
    """Publish every registered app's keys for the local stack's OPA; returns the folder it loads."""
    return publish(keys_dir, registered_apps(policies_dir), keys_folder(run_dir))


def registered_apps(policies_dir: Path) -> list[str]:
    """The apps `policies/identity/data.json` registers (each may act for the tenants it lists)."""
    path = policies_dir / "identity" / "data.json"
    if not path.exists():
        return []
    return sorted(json.loads(path.read_text()).get("apps", {}))


def request_codec(settings: Settings, registry: ContractRegistry, app: str) -> SigningCodec:
    """The contract codec of a submitting app: its prompts carry its signature (key made at first use)."""
    return SigningCodec(
        registry, [settings.topics.prompts_requested], keys.signing_key(settings.keys_path, app)
    )


def sign_request(value: bytes, key: jwk.JWK) -> list[tuple[str, bytes]]:
    """The header that signs one request's bytes with an app key."""
    return [(REQUEST_SIGNATURE_HEADER, signature.sign(value, key).encode())]


def published_keys(keys_dir: Path, apps: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """Each app's public keys, generating a key for an app that has none yet."""
    for app in apps:
        keys.signing_key(keys_dir, app)
    return {app: keys.public_keys(keys_dir, app) for app in apps}


def publish(keys_dir: Path, apps: Sequence[str], folder: Path) -> Path:
    """Write the apps' public keys as OPA data (`folder/data.json` -> `data.app_keys`); OPA, watching the
    folder, picks a rewrite up without a restart. Returns the folder to load."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps({APP_KEYS: published_keys(keys_dir, apps)}, indent=2, sort_keys=True)
    credentials.write_private(folder / "data.json", text)  # atomic: OPA never reads half a file
    return folder


class IdentityVerifier:
    """Names the app whose key signed a request, from the apps' keys in policy data. The answer is policy
    input (`input.identity`): {"status": "verified", "app", "kid"}, or "unsigned", "forged" or
    "unknown_key" with the key id when one was named. Reloads the keys on an unknown key id, so a new
    app key is honoured without a restart."""

    def __init__(self, load: Callable[[], Mapping[str, Any]]) -> None:
        self._load = load
        self._apps: dict[str, str] = {}  # kid -> app
        self._keys: dict[str, jwk.JWK] = {}
        self._loaded_at = float("-inf")

    def _reload(self) -> None:
        if time.monotonic() - self._loaded_at < RELOAD_INTERVAL_SECONDS:
            return
        data = self._load() or {}
        apps: dict[str, str] = {}
        found: dict[str, jwk.JWK] = {}
        for app, published in data.items():
            if not isinstance(published, list):
                continue
            try:
                for kid, key in signature.key_set(published).items():
                    apps[kid], found[kid] = str(app), key
            except (SignatureError, TypeError, ValueError):
                continue  # one app's malformed entry must not lock every other app out
        self._apps, self._keys, self._loaded_at = apps, found, time.monotonic()

    def identify(self, value: bytes | None, headers: Sequence[tuple[str, bytes]]) -> Identity:
        try:
            detached = signature.header_value(headers, REQUEST_SIGNATURE_HEADER)
        except SignatureError:
            return {"status": "forged"}
        if detached is None:
            return {"status": "unsigned"}
        try:
            kid = signature.protected(detached).kid
        except SignatureError:
            return {"status": "forged"}
        if kid not in self._keys:
            self._reload()
        if kid not in self._keys:
            return {"status": "unknown_key", "kid": kid[:80]}
        try:
            signature.verify(value or b"", detached, self._keys)
        except SignatureError:
            return {"status": "forged", "kid": kid[:80]}
        return {"status": "verified", "app": self._apps[kid], "kid": kid}
