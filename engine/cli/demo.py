"""`governor demo`: the main job, a full governed pipeline with real answers from local models."""

from __future__ import annotations

import argparse

from engine import demo
from engine.cli.common import Subparsers
from engine.settings import Settings
from engine.stack import local


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    return demo.run(settings, start_stack=lambda s: local.started(s)[0], keep_running=args.keep_running)


def register(sub: Subparsers) -> None:
    parser = sub.add_parser(
        "demo", help="the main job: start everything, index a corpus, ask scripted questions, run a workflow"
    )
    parser.add_argument("--keep-running", action="store_true", help="keep the stages running afterwards")
    parser.set_defaults(func=_demo)
