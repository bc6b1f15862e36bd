"""The demo app's bundle checked in under src/genqueue/webapp/static is what its sources
build today: rebuilt into a temporary folder, it must match byte for byte (run
`npm run build:demo` in clients/typescript after changing the demo or the package).
Without node or the package's node_modules these tests are skipped loudly, and fail under
CI=true."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from genqueue.webapp import BUNDLE_FILES, STATIC_DIR

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "clients" / "typescript"
ESBUILD = PACKAGE_DIR / "node_modules" / "esbuild"
TSC = PACKAGE_DIR / "node_modules" / ".bin" / "tsc"


def _node() -> str:
    node = shutil.which("node")
    if node is not None and ESBUILD.exists():
        return node
    if os.environ.get("CI") == "true":
        pytest.fail("node and clients/typescript/node_modules are required under CI=true")
    pytest.skip("DEMO BUNDLE TESTS SKIPPED: need node and `npm ci` in clients/typescript")


def test_the_checked_in_bundle_is_what_the_sources_build(tmp_path: Path) -> None:
    node = _node()
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


def test_the_demo_sources_typecheck() -> None:
    node = _node()
    check = subprocess.run(
        [node, str(TSC), "-p", "demo/tsconfig.json"],
        cwd=PACKAGE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert check.returncode == 0, check.stdout + check.stderr
