"""What the command modules share: exit codes, reading input files with errors that name them, and
settings pointed at the local stack when no endpoint is configured."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engine.settings import Settings
from engine.stack import credentials, local
from engine.stack.opa import TemporaryOPA

EXIT_OK, EXIT_VERDICT, EXIT_INPUT, EXIT_STOPPED = 0, 1, 2, 3
Command = Callable[[argparse.Namespace, Settings], int]
Subparsers = argparse._SubParsersAction  # type: ignore[type-arg]


class InputError(Exception):
    """Bad input to a command: the message names the file or argument and what is wrong with it."""


def read_json(path: str | Path) -> Any:
    """A JSON file's content; a missing or malformed file is an InputError naming it."""
    p = Path(path)
    try:
        return json.loads(p.read_text())
    except FileNotFoundError as exc:
        raise InputError(f"{p}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{p}: is a folder, not a file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc


def existing_file(path: str) -> Path:
    """argparse type for an input file that must exist (a usage error otherwise)."""
    p = Path(path)
    if p.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: is a folder, not a file")
    if not p.is_file():
        raise argparse.ArgumentTypeError(f"{path}: no such file")
    return p


def existing_dir(path: str) -> Path:
    """argparse type for a folder that must exist."""
    p = Path(path)
    if not p.is_dir():
        raise argparse.ArgumentTypeError(f"{path}: no such folder")
    return p


def positive_int(value: str) -> int:
    """argparse type for a count of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value}: not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value}: must be at least 1")
    return number


def on_stack(settings: Settings, principal: str = credentials.ADMIN) -> Settings:
    """Settings whose unset endpoints point at the local stack, when one runs, logged in as `principal`:
    endpoints are resolved here, at the edge, and the engine only reads its settings."""
    return local.endpoints(settings, principal)


@contextlib.contextmanager
def opa_serving(settings: Settings, policies: Path | None) -> Iterator[str]:
    """The URL of an OPA deciding with `policies`: a private one for a given folder, else the configured
    OPA, else a private one serving the project's policies, so replay and eval need no running stack."""
    if policies is None and settings.opa_url:
        yield settings.opa_url
        return
    with TemporaryOPA(settings.cache_dir, policies or settings.policies_dir) as server:
        yield server.url
