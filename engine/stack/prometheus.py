"""Prometheus from Debian's package, run on loopback by us (never the distribution's service)."""

from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import yaml

from engine.errors import StackError
from engine.settings import REPO_ROOT
from engine.stack import apt, process

PROMETHEUS = Path("/usr/bin/prometheus")
PROMTOOL = Path("/usr/bin/promtool")
RULES_DIR = REPO_ROOT / "dashboards" / "prometheus"


def install() -> tuple[Path, Path]:
    """Install Debian's `prometheus` package once, without starting its service; (prometheus, promtool)."""
    if not (PROMETHEUS.exists() and PROMTOOL.exists()):
        apt.install_packages(["prometheus"], "Prometheus")
    if not (PROMETHEUS.exists() and PROMTOOL.exists()):
        raise StackError(f"apt-get installed 'prometheus' but {PROMETHEUS} or {PROMTOOL} is still missing")
    return PROMETHEUS, PROMTOOL


def version(binary: Path) -> str:
    """The first line of `prometheus --version`, e.g. 'prometheus, version 2.42.0+ds ...'."""
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "unknown"


def write_config(
    config: Path, targets: list[str], rules_dir: Path, scrape_interval: str = "1s"
) -> list[Path]:
    """prometheus.yml: one `governor` scrape job over targets and every rule file in rules_dir."""
    rule_files = sorted(rules_dir.glob("*.yml"))
    doc = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [{"job_name": "governor", "static_configs": [{"targets": list(targets)}]}],
    }
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(yaml.safe_dump(doc, sort_keys=False))
    return rule_files


def start(
    binary: Path,
    run_dir: Path,
    targets: list[str],
    rules_dir: Path = RULES_DIR,
    port: int | None = None,
    scrape_interval: str = "1s",
) -> int:
    """Start our own Prometheus on 127.0.0.1 scraping targets with the given rules; returns its port."""
    port = port or process.free_port()
    prom_dir = run_dir / "prometheus"
    config = prom_dir / "prometheus.yml"
    write_config(config, targets, rules_dir, scrape_interval)
    argv = [
        str(binary),
        f"--config.file={config}",
        f"--web.listen-address=127.0.0.1:{port}",
        f"--storage.tsdb.path={prom_dir / 'data'}",
        "--storage.tsdb.retention.time=1d",
        "--log.level=warn",
    ]
    pid = process.start_daemon("prometheus", argv, prom_dir)
    url = f"http://127.0.0.1:{port}"
    process.wait_until(lambda: ready(url), "Prometheus", 60, pid=pid, log=prom_dir / "prometheus.log")
    (prom_dir / "prometheus.port").write_text(str(port))
    return port


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def stop(run_dir: Path) -> bool:
    return process.stop_daemon(run_dir / "prometheus", "prometheus")
