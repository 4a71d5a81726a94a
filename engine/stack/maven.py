"""Jars fetched once from Maven Central with `mvn`, into a cache folder named by their versions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from engine.errors import StackError


def fetch(home: Path, pom: str, log4j2: str, what: str) -> Path:
    """The runtime jars of `pom` in `<home>/libs` (fetched on first use), with `log4j2` beside them."""
    libs = home / "libs"
    if (home / ".complete").exists():
        return libs
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise StackError(f"'{tool}' is not on PATH: install Java 17 and Maven to run {what}")
    home.mkdir(parents=True, exist_ok=True)
    (home / "pom.xml").write_text(pom)
    (home / "log4j2.properties").write_text(log4j2)
    shutil.rmtree(libs, ignore_errors=True)
    copy = ["dependency:copy-dependencies", "-DincludeScope=runtime", f"-DoutputDirectory={libs}"]
    result = subprocess.run(["mvn", "-q", "-B", *copy], cwd=home, capture_output=True, text=True)
    if result.returncode != 0:
        output = result.stdout[-2000:] + result.stderr[-2000:]
        raise StackError(f"mvn could not fetch {what} ({home / 'pom.xml'}):\n{output}")
    (home / ".complete").write_text(what)
    return libs
