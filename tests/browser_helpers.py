"""Headless Chromium for the browser tests: Debian's `chromium` and `chromium-driver`, installed with
apt-get when missing (like Prometheus), driven by Selenium with no outbound connection and no download."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from engine.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = REPO_ROOT / "out" / "screenshots"
# Everything that would make Chromium call home (updates, sync, field trials, QUIC probes) is off.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-default-apps", "--disable-extensions",
    "--metrics-recording-only", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
)  # fmt: skip


def ensure_chromium() -> None:
    """apt-get install chromium chromium-driver once; a failure says what to install by hand."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=300"]
    for argv in (
        ["apt-get", *wait, "update"],
        ["apt-get", *wait, "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"],
    ):
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            raise RuntimeError(
                f"`{' '.join(argv)}` exited {result.returncode}: install Debian's chromium and "
                f"chromium-driver (needs root):\n{(result.stdout + result.stderr)[-1500:]}"
            )


@contextmanager
def chrome(width: int = 1100, height: int = 900) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium with its own throw-away profile, quit and removed afterwards."""
    ensure_chromium()
    profile = tempfile.mkdtemp(prefix="governor-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path
