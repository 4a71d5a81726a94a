"""Open Policy Agent: built once with `go install` of a pinned release into the cache, run on loopback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from engine.errors import StackError
from engine.stack import credentials, process

OPA_VERSION = "v1.22.2"


def install(cache: Path) -> Path:
    """Build the opa binary once (a few minutes); returns its path."""
    bin_dir = cache / f"opa-{OPA_VERSION}" / "bin"
    binary = bin_dir / "opa"
    if binary.exists():
        return binary
    if shutil.which("go") is None:
        raise StackError("'go' is not on PATH: install Go to build the local OPA server")
    env = {**os.environ, "GOBIN": str(bin_dir), "CGO_ENABLED": "0"}
    cmd = ["go", "install", f"github.com/open-policy-agent/opa@{OPA_VERSION}"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not binary.exists():
        raise StackError(f"building OPA {OPA_VERSION} failed:\n{result.stderr[-2000:]}")
    return binary


# Who may call OPA: anyone may ask whether it is healthy; a caller with the token may query decisions and
# read the loaded modules; nobody may PUT or DELETE policies or data (they load from policies/ only).
AUTHZ_POLICY = """package system.authz

default allow := false

allow if input.path == ["health"]

allow if {
	input.identity == data.governor_authz.token
	input.method in {"GET", "POST"}
	input.path[0] == "v1"
	input.path[1] == "data"
}

allow if {
	input.identity == data.governor_authz.token
	input.method == "GET"
	input.path == ["v1", "policies"]
}
"""


def _authz(opa_dir: Path, token: str) -> Path:
    """The system.authz policy and the token it checks, in a folder only the owner reads."""
    folder = opa_dir / "authz"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / "authz.rego").write_text(AUTHZ_POLICY)
    credentials.write_private(folder / "data.json", json.dumps({"governor_authz": {"token": token}}))
    return folder


def start(
    binary: Path,
    run_dir: Path,
    policies_dir: Path,
    port: int | None = None,
    token: str | None = None,
    data_dirs: Sequence[Path] = (),
) -> int:
    """Start `opa run --server` with policies_dir (and data_dirs, such as the apps' published keys) loaded
    and watched; returns the port. With a token, OPA requires it (bearer) for every call but /health, and
    refuses writes to policies and data."""
    port = port or process.free_port()
    opa_dir = run_dir / "opa"
    secured = (
        ["--authentication=token", "--authorization=basic", str(_authz(opa_dir, token).resolve())]
        if token
        else []
    )
    argv = [
        str(binary),
        "run",
        "--server",
        "--addr",
        f"127.0.0.1:{port}",
        "--skip-version-check",  # no call home
        "--log-level",
        "error",
        "--watch",
        "--ignore",
        "*_test.rego",
        *secured,
        str(policies_dir.resolve()),  # OPA runs in its own folder: relative paths would break
        *(str(d.resolve()) for d in data_dirs),
    ]
    pid = process.start_daemon("opa", argv, opa_dir)
    process.wait_until(
        lambda: healthy(f"http://127.0.0.1:{port}"), "OPA", 60, pid=pid, log=opa_dir / "opa.log"
    )
    (opa_dir / "opa.port").write_text(str(port))
    return port


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def stop(run_dir: Path) -> bool:
    return process.stop_daemon(run_dir / "opa", "opa")


def kill(run_dir: Path) -> None:
    process.kill_daemon(run_dir / "opa", "opa")


def run_tests(binary: Path, policies_dir: Path, min_coverage: float = 100.0) -> tuple[bool, str]:
    """`opa test -v` then coverage; fails below min_coverage of the shipped policies' rules."""
    verbose = subprocess.run([str(binary), "test", str(policies_dir), "-v"], capture_output=True, text=True)
    output = verbose.stdout + verbose.stderr
    if verbose.returncode != 0:
        return False, output
    cov = subprocess.run(
        [str(binary), "test", str(policies_dir), "--coverage", "--format=json"],
        capture_output=True,
        text=True,
    )
    import json

    report = json.loads(cov.stdout)
    percent = float(report.get("coverage", 0.0))
    uncovered = [
        f"{name}:{r['start']['row']}-{r['end']['row']}"
        for name, f in report.get("files", {}).items()
        if not name.endswith("_test.rego")
        for r in f.get("not_covered", [])
    ]
    output += f"\nrule coverage: {percent:.1f}% (floor {min_coverage:.0f}%)\n"
    if uncovered:
        output += "not covered: " + ", ".join(uncovered) + "\n"
    return percent >= min_coverage, output


def query(url: str, path: str, token: str | None = None) -> bytes:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(f"{url}/v1/data/{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=2) as resp:
        return bytes(resp.read())


class TemporaryOPA:
    """An OPA serving one policies folder for the length of a `with` block (replay, shadow compare, tests)."""

    def __init__(self, cache: Path, policies_dir: Path) -> None:
        import tempfile

        self.cache, self.policies_dir = cache, policies_dir
        self._tmp = tempfile.TemporaryDirectory(prefix="governor-opa-")
        self.run_dir = Path(self._tmp.name)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> TemporaryOPA:
        if not self.policies_dir.is_dir():
            raise StackError(f"policies folder not found: {self.policies_dir}")
        self.port = start(install(self.cache), self.run_dir, self.policies_dir)
        return self

    def kill(self) -> None:
        """SIGKILL, as an outage would."""
        kill(self.run_dir)

    def restart(self) -> None:
        start(install(self.cache), self.run_dir, self.policies_dir, port=self.port)

    def __exit__(self, *exc: object) -> None:
        stop(self.run_dir)
        self._tmp.cleanup()
