"""The README's first-steps example runs against the sandbox."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from sprinklr_mcp import TokenBroker
from sprinklr_mcp.auth import login_unattended
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.sandbox import SandboxConfig, SandboxServer

EXAMPLE_CASE_ID = "633a9f1ce980b61e49f80adb"
README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_MARKER = "<!-- first-steps example"


def example_source() -> str:
    """Return the Python block that follows the first-steps marker in the README."""
    _, marker, after = README.read_text(encoding="utf-8").partition(EXAMPLE_MARKER)
    assert marker, f"{README} has no {EXAMPLE_MARKER!r} marker"
    _, fence, block = after.partition("```python\n")
    assert fence, "the first-steps marker is not followed by a Python block"
    source, _, _ = block.partition("```")
    return source


async def run_example(source: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        source,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.fixture
async def sandbox_env(
    tmp_path: Path,
) -> AsyncIterator[tuple[SandboxServer, dict[str, str]]]:
    """Yield a sandbox and the README's connection variables, logged in to it."""
    async with SandboxServer(SandboxConfig(auto_approve=True)) as sandbox:
        settings = ConnectionSettings(
            name="default",
            environment=sandbox.environment,
            base_url=sandbox.url,
            api_key=sandbox.api_key,
            api_secret=SecretStr(sandbox.api_secret),
            redirect_uri=sandbox.redirect_uri,
            data_dir=tmp_path,
        )
        async with TokenBroker(settings) as broker:
            await login_unattended(settings, broker.store)

        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("SPRINKLR_")
        }
        env.update(
            {
                "SPRINKLR_CONFIG": str(tmp_path / "absent.toml"),
                "SPRINKLR_ENVIRONMENT": sandbox.environment,
                "SPRINKLR_BASE_URL": sandbox.url,
                "SPRINKLR_API_KEY": sandbox.api_key,
                "SPRINKLR_API_SECRET": sandbox.api_secret,
                "SPRINKLR_REDIRECT_URI": sandbox.redirect_uri,
                "SPRINKLR_DATA_DIR": str(tmp_path),
            }
        )
        yield sandbox, env


def test_example_is_in_readme() -> None:
    source = example_source()

    assert "async with SprinklrClient.connect(" in source
    assert "except NotFoundError as error:" in source
    assert EXAMPLE_CASE_ID in source
    compile(source, "example", "exec")


async def test_example_reads_a_case(
    sandbox_env: tuple[SandboxServer, dict[str, str]],
) -> None:
    sandbox, env = sandbox_env
    case_id, case = next(iter(sandbox.state.cases.items()))
    source = example_source().replace(EXAMPLE_CASE_ID, case_id)

    returncode, stdout, stderr = await run_example(source, env)

    assert returncode == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 2
    assert lines[0]
    assert lines[1] == f"{case['caseNumber']} {case.get('subject')}"


async def test_example_handles_missing_case(
    sandbox_env: tuple[SandboxServer, dict[str, str]],
) -> None:
    _, env = sandbox_env

    returncode, stdout, stderr = await run_example(example_source(), env)

    assert returncode == 0, stderr
    lines = stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("404 ")
