# Sourced by bin/governor and bin/test: makes (once) and activates the cached Python venv.
# The venv lives outside the repo, keyed by the pinned requirement files, so a second run and a
# fresh clone on the same machine reuse it; a change to the pins builds a new one.
set -euo pipefail
GOVERNOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GOVERNOR_CACHE="${GOVERNOR_CACHE:-$HOME/.cache/governor}"
for tool in python3 java mvn go; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "governor: '$tool' is not installed; install it (Python 3.11, Java 17 with Maven, Go) and retry" >&2
    exit 2
  }
done
_pins="$(cat "$GOVERNOR_ROOT/requirements.txt" "$GOVERNOR_ROOT/requirements-nodeps.txt" | sha256sum | cut -c1-12)"
_pyver="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
GOVERNOR_VENV="$GOVERNOR_CACHE/venv-py$_pyver-$_pins"
mkdir -p "$GOVERNOR_CACHE"
# Two commands started at once on a fresh machine must not build (and delete) the same venv together.
exec 9>"$GOVERNOR_CACHE/.venv.lock"
flock 9
if [ ! -f "$GOVERNOR_VENV/.complete" ]; then
  echo "governor: installing Python dependencies into $GOVERNOR_VENV (first run only, ~6 min)" >&2
  rm -rf "$GOVERNOR_VENV"
  mkdir -p "$GOVERNOR_CACHE"
  python3 -m venv "$GOVERNOR_VENV"
  # llama-cpp-python builds from source; both cores, and pip keeps the built wheel for next time.
  export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
  "$GOVERNOR_VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip >&2
  "$GOVERNOR_VENV/bin/pip" install -q --disable-pip-version-check -r "$GOVERNOR_ROOT/requirements.txt" >&2
  "$GOVERNOR_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$GOVERNOR_ROOT/requirements-nodeps.txt" >&2
  touch "$GOVERNOR_VENV/.complete"
fi
flock -u 9
exec 9>&-
export PATH="$GOVERNOR_VENV/bin:$PATH"
export PYTHONPATH="$GOVERNOR_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export GOVERNOR_VENV GOVERNOR_ROOT
