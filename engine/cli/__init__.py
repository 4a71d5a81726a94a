"""The `governor` command: a package of thin command modules that parse arguments and call the engine.

Exit codes: 0 done; 1 a negative verdict (an incompatible schema, a broken audit chain, failing policy
tests, a stack that is down); 2 bad input or usage (a missing or malformed file, an unreachable server,
a bad setting or argument), always one line naming the file or setting (a traceback only with
--verbose); 3 `ask` whose question was stopped.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from confluent_kafka import KafkaException

from engine.cli import (
    acl,
    ask,
    audit,
    bench,
    contracts,
    data,
    demo,
    fuzz,
    gate,
    keys,
    policy,
    run,
    soak,
    stack,
    web,
)
from engine.cli import eval as evaluate
from engine.cli.common import EXIT_INPUT, InputError
from engine.errors import GovernorError
from engine.settings import load_settings

COMMANDS = (
    stack,
    acl,
    keys,
    contracts,
    policy,
    run,
    audit,
    gate,
    evaluate,
    ask,
    data,
    demo,
    bench,
    soak,
    fuzz,
    web,
)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line that names the argument, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_INPUT, f"governor: error: {self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="governor",
        description="Governance engine for event-driven GenAI applications on Apache Kafka.",
        epilog="Settings come from GOVERNOR_* environment variables or a YAML file named by GOVERNOR_CONFIG. "
        "Exit codes: 0 done, 1 negative verdict, 2 bad input or usage, 3 question stopped.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log at debug level; tracebacks on errors"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def describe(error: BaseException) -> str:
    """One line that says what went wrong and where, for any error a command can meet."""
    if isinstance(error, (GovernorError, InputError)):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return f"{error.filename}: no such file"
    if isinstance(error, IsADirectoryError):
        return f"{error.filename}: is a folder, not a file"
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror}"
    if isinstance(error, KafkaException):
        return f"Kafka: {error.args[0].str() if error.args else error}"
    return f"{type(error).__name__}: {error} (run with --verbose for the traceback)"


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or a usage error already printed
        return int(exit_.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
    )
    try:
        return int(args.func(args, load_settings()))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"governor: error: {describe(exc)}", file=sys.stderr)
        return EXIT_INPUT
