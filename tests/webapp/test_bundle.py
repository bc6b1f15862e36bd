"""The demo app's bundle checked in under src/genqueue/webapp/static is what its sources
build today: rebuilt into a temporary folder, it must match byte for byte (run
`npm run build:demo` in clients/typescript after changing the demo or the package).
node_modules is installed from the lock file when missing or stale; without node these
tests are skipped loudly, and fail under CI=true."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from genqueue.webapp import BUNDLE_FILES, STATIC_DIR
from tests.node_tools import node_tools_or_skip, npm_ci

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "clients" / "typescript"
TSC = PACKAGE_DIR / "node_modules" / ".bin" / "tsc"


@pytest.fixture(scope="module")
def node() -> str:
    tools = node_tools_or_skip("the demo bundle check")
    npm_ci(tools, PACKAGE_DIR)
    return tools.node


def test_the_checked_in_bundle_is_what_the_sources_build(node: str, tmp_path: Path) -> None:
    build = subprocess.run(
        [node, "demo/build.mjs", "--outdir", str(tmp_path)],
        cwd=PACKAGE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode == 0, build.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BUNDLE_FILES)
    stale = [
        name
        for name in BUNDLE_FILES
        if (tmp_path / name).read_bytes() != (STATIC_DIR / name).read_bytes()
    ]
    assert not stale, f"stale demo bundle {stale}: run `npm run build:demo` in clients/typescript"


def test_the_demo_sources_typecheck(node: str) -> None:
    check = subprocess.run(
        [node, str(TSC), "-p", "demo/tsconfig.json"],
        cwd=PACKAGE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert check.returncode == 0, check.stdout + check.stderr
