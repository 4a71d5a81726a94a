"""Start, watch and stop the local servers as background processes with pid and log files."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.errors import StackError


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def start_daemon(name: str, argv: Sequence[str], run_dir: Path, env: dict[str, str] | None = None) -> int:
    """Start argv in its own session (so it outlives this process), logging to run_dir/<name>.log."""
    run_dir.mkdir(parents=True, exist_ok=True)
    log = open(run_dir / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        list(argv),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=run_dir,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    log.close()
    (run_dir / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still answers kill(0); reap it if it is ours.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def read_pid(run_dir: Path, name: str) -> int | None:
    path = run_dir / f"{name}.pid"
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def wait_until(
    ready: Callable[[], bool], what: str, timeout: float, pid: int | None = None, log: Path | None = None
) -> None:
    """Poll ready() until true; fail early with the log's tail if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid is not None and not pid_alive(pid):
            raise StackError(f"{what} exited during start-up{_tail(log)}")
        time.sleep(0.2)
    raise StackError(f"{what} was not ready after {timeout:.0f}s{_tail(log)}")


def _tail(log: Path | None, lines: int = 15) -> str:
    if log is None or not log.exists():
        return ""
    text = log.read_text(errors="replace").splitlines()[-lines:]
    return f"; last lines of {log}:\n" + "\n".join(text)


def stop_daemon(run_dir: Path, name: str, timeout: float = 30.0) -> bool:
    """SIGTERM the process group we started (then SIGKILL); True if something was stopped."""
    pid = read_pid(run_dir, name)
    (run_dir / f"{name}.pid").unlink(missing_ok=True)
    if pid is None or not pid_alive(pid):
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    if pid_alive(pid):
        _signal_group(pid, signal.SIGKILL)
    return True


def kill_daemon(run_dir: Path, name: str) -> None:
    """SIGKILL at once: for fault tests that need an unclean death."""
    pid = read_pid(run_dir, name)
    if pid is not None and pid_alive(pid):
        _signal_group(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and pid_alive(pid):
            time.sleep(0.1)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
