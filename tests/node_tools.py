"""node and npm for tests that run JavaScript: found on PATH (a loud skip when missing, a
failure under CI=true), and a package's node_modules installed from its lock file."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

NPM_CI_SECONDS = 300.0


@dataclass(frozen=True)
class NodeTools:
    node: str
    npm: str


def node_tools_or_skip(purpose: str) -> NodeTools:
    """node and npm, or a skip naming `purpose` — a failure under CI=true, where they
    must be present."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = f"node and npm are needed for {purpose} (not found on PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return NodeTools(node, npm)


def installed_is_stale(package_dir: Path) -> bool:
    """node_modules is missing, or older than package-lock.json (npm writes
    node_modules/.package-lock.json on every install)."""
    lock = package_dir / "package-lock.json"
    stamp = package_dir / "node_modules" / ".package-lock.json"
    return not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime


def npm_ci(tools: NodeTools, package_dir: Path, *, only_if_stale: bool = True) -> None:
    """`npm ci` in `package_dir` (exactly the lock file's versions; the npm registry is
    the only network it needs), unless node_modules is current."""
    if only_if_stale and not installed_is_stale(package_dir):
        return
    done = subprocess.run(
        [tools.npm, "ci", "--no-audit", "--no-fund"],
        cwd=package_dir,
        capture_output=True,
        text=True,
        timeout=NPM_CI_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"npm ci in {package_dir} failed:\n{done.stdout}\n{done.stderr}"
