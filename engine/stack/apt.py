"""Install Debian packages the local stack needs, without letting them start their own services."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from engine.errors import StackError

POLICY_RC = Path("/usr/sbin/policy-rc.d")
# Exit code 101 tells invoke-rc.d "action forbidden": the package installs without starting its service.
_NO_SERVICES = "#!/bin/sh\n# written by governor while installing a package; removed afterwards\nexit 101\n"
_LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=300"]


def install_packages(packages: list[str], what: str) -> None:
    """`apt-get update` then `apt-get install -y` the packages; raises StackError naming the command."""
    if shutil.which("apt-get") is None:
        raise StackError(f"{what} is missing and apt-get is not available: install {' '.join(packages)}")
    wrote_policy = _forbid_service_start()
    try:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"}
        _run(["apt-get", *_LOCK_WAIT, "update"], env, what)
        _run(["apt-get", *_LOCK_WAIT, "install", "-y", "--no-install-recommends", *packages], env, what)
    finally:
        if wrote_policy:
            POLICY_RC.unlink(missing_ok=True)


def _forbid_service_start() -> bool:
    if POLICY_RC.exists():
        return False
    try:
        POLICY_RC.write_text(_NO_SERVICES)
        POLICY_RC.chmod(0o755)
    except OSError:
        return False  # not root: apt-get fails below with its own message
    return True


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StackError(f"installing {what}: `{' '.join(argv)}` failed: {exc}") from exc
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-2000:]
        raise StackError(
            f"installing {what}: `{' '.join(argv)}` exited {result.returncode} "
            f"(needs root and Debian's package index):\n{tail}"
        )
