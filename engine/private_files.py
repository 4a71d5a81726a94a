"""Secrets kept in files: written once, readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path


def create_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to a new file of mode 0600 (its folder 0700); False, writing nothing, when the file
    exists already: of two processes starting at once, exactly one writes and both then read its file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True
