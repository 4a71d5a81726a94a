"""`governor keys show|rotate|retire`: the release gate's signing keys; readers verify approvals with
the published (public) set."""

from __future__ import annotations

import argparse
import json

from engine.cli.common import EXIT_OK, Subparsers
from engine.settings import Settings
from engine.trust import keys
from engine.trust.approvals import RELEASE


def _show(args: argparse.Namespace, settings: Settings) -> int:
    if not keys.public_keys(settings.keys_path, args.owner):
        keys.signing_key(settings.keys_path, args.owner)  # the first key is made at first use
    print(json.dumps({"keys": keys.public_keys(settings.keys_path, args.owner)}, indent=2))
    return EXIT_OK


def _rotate(args: argparse.Namespace, settings: Settings) -> int:
    print(f"{args.owner} now signs with {keys.new_key(settings.keys_path, args.owner)}")
    return EXIT_OK


def _retire(args: argparse.Namespace, settings: Settings) -> int:
    keys.retire(settings.keys_path, args.owner, args.kid)
    print(f"retired {args.kid}: it no longer signs or verifies")
    return EXIT_OK


def register(sub: Subparsers) -> None:
    group = sub.add_parser("keys", help="signing keys: publish, rotate, retire").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    for name, func, text in (
        ("show", _show, "print the public verification keys (JWKS) readers need"),
        ("rotate", _rotate, "make a new signing key; older ones still verify until retired"),
        ("retire", _retire, "stop signing and verifying with one key id"),
    ):
        parser = group.add_parser(name, help=text)
        parser.add_argument("--owner", default=RELEASE, help="whose keys (default: the release gate)")
        if name == "retire":
            parser.add_argument("kid")
        parser.set_defaults(func=func)
