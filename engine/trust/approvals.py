"""Signed approvals: the release gate signs every record it writes to the approved topic; readers keep
only records whose signature verifies with a published release key."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from jwcrypto import jwk

from engine.contracts.codec import GovernedCodec, Headers
from engine.contracts.registry import ContractRegistry
from engine.envelope import Envelope
from engine.settings import Settings
from engine.trust import keys, signature
from engine.trust.signature import SignatureError

RELEASE = "release"  # owner of the keys that sign approvals


class SigningCodec(GovernedCodec):
    """The contract codec, plus a detached signature header on every record for `signed_topics`."""

    def __init__(self, registry: ContractRegistry, signed_topics: Sequence[str], key: jwk.JWK) -> None:
        super().__init__(registry)
        self._signed = frozenset(signed_topics)
        self._signer = signature.Signer(key)

    def encode(self, topic: str, envelope: Envelope) -> tuple[bytes, Headers]:
        value, headers = super().encode(topic, envelope)
        if topic in self._signed:
            headers = [*headers, (signature.SIGNATURE_HEADER, self._signer.sign(value).encode())]
        return value, headers


def release_codec(settings: Settings, registry: ContractRegistry) -> SigningCodec:
    """The release gate's codec: approvals signed with the newest release key (made at first use)."""
    key = keys.signing_key(settings.keys_path, RELEASE)
    return SigningCodec(registry, [settings.topics.answers_approved], key)


class ApprovalVerifier:
    """Checks approvals against the release keys: a JWKS file (`approval_keys`) when one is set,
    otherwise the public halves of the release keys in `keys_path`. Reloads on an unknown key id, so a
    rotated key is picked up without a restart."""

    def __init__(self, settings: Settings) -> None:
        self._file = settings.approval_keys
        self._dir = settings.keys_path
        self._keys: dict[str, jwk.JWK] = {}

    def _load(self) -> dict[str, jwk.JWK]:
        if self._file is not None:
            data = json.loads(Path(self._file).read_text())
            return signature.key_set(data.get("keys", []))
        return signature.key_set(keys.public_keys(self._dir, RELEASE))

    def verify(self, value: bytes, headers: Sequence[tuple[str, bytes]]) -> str:
        """The key id that signed `value`; SignatureError when unsigned, forged or by an unknown key."""
        detached = signature.header_value(headers)
        if detached is None:
            raise SignatureError("unsigned: no release signature header")
        kid = signature.protected(detached).kid
        if kid not in self._keys:
            self._keys = self._load()
        return signature.verify(value, detached, self._keys)
