"""`governor demo`: the main job, a full governed pipeline with real answers from local models."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from engine import demo
from engine.cli.common import Subparsers
from engine.cli.stack import bring_up
from engine.settings import Settings
from engine.web import server


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    stops: list[Callable[[], None]] = []

    def serve_web(pinned: Settings) -> str:
        # The demo's stack runs now: the web application logs in to it as web-app, not as the admin.
        url, stop = server.start_in_thread(server.as_web_app(settings), args.web_port)
        stops.append(stop)
        return url

    try:
        return demo.run(
            settings,
            lambda s: bring_up(s, postgres=True)[0],
            keep_running=args.keep_running,
            serve_web=serve_web,
        )
    finally:
        for stop in stops:
            stop()


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo", help="the main job: start everything, index a corpus, ask scripted questions, run a workflow"
    )
    parser.add_argument(
        "--keep-running", action="store_true", help="keep the stages and the web application running"
    )
    parser.add_argument("--web-port", type=int, default=8080, help="the web application's port (0: any)")
    parser.set_defaults(func=_demo)
