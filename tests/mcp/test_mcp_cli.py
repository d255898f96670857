"""The tools and call commands, run in-process through the sprinklr-mcp entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sprinklr_mcp.cli import main
from sprinklr_mcp.mcp_server.tools import load_catalog


@pytest.fixture(autouse=True)
def no_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPRINKLR_CONFIG", str(tmp_path / "no-config.toml"))
    for name in ("SPRINKLR_API_KEY", "SPRINKLR_CONNECTION"):
        monkeypatch.delenv(name, raising=False)


def test_tools_lists_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [tool.name for tool in load_catalog()]


def test_tools_read_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--read-only", "--json"]) == 0

    listed = json.loads(capsys.readouterr().out)
    assert listed
    assert all(tool["annotations"]["readOnlyHint"] for tool in listed)
    assert all("outputSchema" in tool for tool in listed)


def test_tools_unknown_pattern_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "--tools", "get_cas_by_id"]) == 2

    assert "did you mean get_case_by_id" in capsys.readouterr().err


def test_call_prints_structured_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "--sandbox", "get_case_by_number", "caseNumber=7300001"]) == 0

    result = json.loads(capsys.readouterr().out)
    assert result["data"]["caseNumber"] == 7300001


def test_call_takes_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = json.dumps({"caseNumber": 7300001})

    assert main(["call", "--sandbox", "get_case_by_number", arguments]) == 0

    assert json.loads(capsys.readouterr().out)["data"]["caseNumber"] == 7300001


def test_call_string_argument_kept_as_string(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["call", "--sandbox", "get_case_message_ids", "caseId=123", "cursor=5"])

    captured = capsys.readouterr()
    assert code == 1
    assert "expected" not in captured.err
    assert "HTTP 404" in captured.err


def test_call_tool_error_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "--sandbox", "get_case_by_number", "caseNumber=x"]) == 1

    assert "caseNumber: expected integer" in capsys.readouterr().err


def test_call_destructive_needs_yes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    arguments = [
        "call",
        "--sandbox",
        "delete_cases_by_number",
        'caseNumbers=["7300002"]',
    ]

    refused = main(arguments)
    refused_err = capsys.readouterr().err
    accepted = main([*arguments, "--yes"])

    assert refused == 1
    assert "pass --yes" in refused_err
    assert "Nothing was changed" in refused_err
    assert accepted == 0
    assert json.loads(capsys.readouterr().out) == {"data": None}


def test_call_unknown_tool(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "--sandbox", "nope"]) == 2

    assert "unknown tool 'nope'" in capsys.readouterr().err


def test_call_bad_pair(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "--sandbox", "get_me", "oops"]) == 2

    assert "is not KEY=VALUE" in capsys.readouterr().err


def test_sandbox_is_default_without_connection(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["call", "get_case_by_number", "caseNumber=7300001"]) == 0

    assert json.loads(capsys.readouterr().out)["data"]["caseNumber"] == 7300001
    assert "no Sprinklr connection is configured" in caplog.text
