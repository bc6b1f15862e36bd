"""The TypeScript package clients/typescript (npm `genqueue-client`): it type-checks
under its strict tsconfig, its types generated from the OpenAPI schema are current, and
its vitest suite (client and React hooks, against a real `genqueue serve` it starts)
passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.node_tools import NodeTools, node_tools_or_skip, npm_ci

PACKAGE = Path(__file__).resolve().parents[2] / "clients" / "typescript"
GENQUEUE = Path(sys.executable).parent / "genqueue"
TSC_SECONDS = 180.0
GENERATE_SECONDS = 120.0
VITEST_SECONDS = 600.0

pytestmark = pytest.mark.timeout(VITEST_SECONDS + 60)


@pytest.fixture(scope="module")
def tools() -> NodeTools:
    """node and npm, with the package's node_modules installed from its lock file."""
    tools = node_tools_or_skip("the TypeScript package's tests")
    npm_ci(tools, PACKAGE)
    return tools


def _run(tools: NodeTools, *args: str, within: float) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GENQUEUE_BIN": str(GENQUEUE), "FORCE_COLOR": "0", "NO_COLOR": "1"}
    try:
        return subprocess.run(
            [tools.node, *args],
            cwd=PACKAGE,
            env=env,
            capture_output=True,
            text=True,
            timeout=within,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"{args[0]} did not finish within {within} s:\n{exc.stdout}") from None


def _output(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"


def test_it_type_checks_and_builds(tools: NodeTools, tmp_path: Path) -> None:
    """Sources and tests under the strict tsconfig; then the published build (src only,
    without Node's types: it runs in browsers) into a scratch directory."""
    done = _run(tools, "node_modules/typescript/bin/tsc", "--noEmit", within=TSC_SECONDS)
    assert done.returncode == 0, _output(done)
    out = tmp_path / "dist"
    build = ["-p", "tsconfig.build.json", "--outDir", str(out)]
    done = _run(tools, "node_modules/typescript/bin/tsc", *build, within=TSC_SECONDS)
    assert done.returncode == 0, _output(done)
    assert (out / "index.js").is_file()
    assert (out / "index.d.ts").is_file()


def test_the_generated_types_match_the_openapi_schema(tools: NodeTools) -> None:
    done = _run(tools, "scripts/generate-types.mjs", "--check", within=GENERATE_SECONDS)
    assert done.returncode == 0, _output(done)


def test_the_check_fails_on_stale_types(tools: NodeTools, tmp_path: Path) -> None:
    stale = tmp_path / "openapi.ts"
    current = (PACKAGE / "src" / "generated" / "openapi.ts").read_text(encoding="utf-8")
    stale.write_text(current.replace("Submit a job", "Submit a jop", 1), encoding="utf-8")
    done = _run(
        tools,
        "scripts/generate-types.mjs",
        "--check",
        "--target",
        str(stale),
        within=GENERATE_SECONDS,
    )
    assert done.returncode == 1, _output(done)
    assert "is stale" in done.stderr


def test_the_vitest_suite_passes(tools: NodeTools, tmp_path: Path) -> None:
    report = tmp_path / "vitest.json"
    done = _run(
        tools,
        "node_modules/vitest/vitest.mjs",
        "run",
        "--reporter=default",
        "--reporter=json",
        f"--outputFile.json={report}",
        within=VITEST_SECONDS,
    )
    assert done.returncode == 0, _output(done)
    results: dict[str, Any] = json.loads(report.read_text())
    assert results["numFailedTests"] == 0, _output(done)
    assert results["numPassedTests"] > 0, _output(done)
    files = {Path(r["name"]).relative_to(PACKAGE).as_posix() for r in results["testResults"]}
    assert {"test/jobs.test.ts", "test/sse.test.ts", "test/socket.test.ts"} <= files, files
