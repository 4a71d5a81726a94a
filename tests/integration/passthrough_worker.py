"""A pass-through member run as its own process, so a test can kill -9 it mid-stream.

Reads its settings from GOVERNOR_* variables like any Governor process; SLOW_SECONDS makes each
batch take a while so the kill lands between (and inside) transactions."""

from __future__ import annotations

import os
import sys
import time

from engine.app import pass_through
from engine.pipeline.records import Output, Record
from engine.settings import load_settings


def main() -> None:
    settings = load_settings()
    source, target = sys.argv[1], sys.argv[2]
    slow = float(os.environ.get("SLOW_SECONDS", "0"))
    processor = pass_through(settings, source, target)
    inner = processor.handler

    def slow_handler(messages: list[Record]) -> list[Output]:
        time.sleep(slow)
        return inner(messages)

    processor.handler = slow_handler
    print("ready", flush=True)
    processor.run()


if __name__ == "__main__":
    main()
