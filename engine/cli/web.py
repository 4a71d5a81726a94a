"""`governor web`: serve the app teams' web application, print a bearer token, hash a password, benchmark."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from engine.cli.common import InputError, Subparsers, on_stack, positive_int
from engine.cli.stack import bring_up
from engine.settings import Settings


def _users(args: argparse.Namespace) -> Path | None:
    return Path(args.users) if args.users else None


def _on_kafka(settings: Settings) -> Settings:
    """The configured Kafka, else the local stack (started, provisioned and secured when none runs)."""
    if not on_stack(settings).bootstrap_servers:
        bring_up(settings)
    return settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from engine.web import server

    settings = server.as_web_app(_on_kafka(settings))
    print(f"governor web: http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    server.serve(settings, args.host, args.port, _users(args))
    return 0


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from engine.web import server
    from engine.web.users import UserDirectory

    users = UserDirectory.load(_users(args) or server.DEMO_USERS)
    if users.get(args.user) is None:
        raise InputError(f"--user {args.user}: no such user in the users file")
    print(server.signer(settings).issue(args.user, "bearer", args.seconds))
    return 0


def _hash(args: argparse.Namespace, settings: Settings) -> int:
    from engine.web.users import hash_password

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("password: ")
    if not password:
        raise InputError("empty password")
    print(hash_password(password))
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from engine.web import bench, server

    settings = _on_kafka(settings)
    # The bench makes its topics and writes the pipeline's records as the admin; its instance is the web app.
    return bench.run(on_stack(settings), server.as_web_app(settings), streams=args.streams)


def register(sub: Subparsers) -> None:
    web = sub.add_parser(
        "web",
        help="the app teams' web application: ask and watch the governed answer arrive",
        description="Without an action: serve the page and its API (sign in with a user of the users file).",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8080)
    web.add_argument("--users", help="users file (default demo/users.yaml)")
    web.set_defaults(func=_serve)
    actions = web.add_subparsers(dest="action", metavar="ACTION")

    token = actions.add_parser("token", help="print a short-lived bearer token for a user of the users file")
    token.add_argument("--user", required=True)
    token.add_argument("--users", help="users file (default demo/users.yaml)")
    token.add_argument("--seconds", type=int, default=15 * 60, help="lifetime (default 900)")
    token.set_defaults(func=_token)

    hashed = actions.add_parser(
        "hash", help="print a scrypt hash of a password (read from stdin) for the users file"
    )
    hashed.set_defaults(func=_hash)

    bench = actions.add_parser(
        "bench", help="hold N concurrent event streams on one instance and time delivery"
    )
    bench.add_argument("--streams", type=positive_int, default=200)
    bench.set_defaults(func=_bench)
