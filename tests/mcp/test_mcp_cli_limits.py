"""Numeric options and `call` arguments are checked before anything runs."""

from __future__ import annotations

import pytest

from sprinklr_mcp.cli import build_parser, main
from sprinklr_mcp.mcp_server.arguments import MAX_NESTING

DEEP = 5000


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        ("serve", "--port", "70000"),
        ("serve", "--port", "-1"),
        ("serve", "--port", "http"),
        ("serve", "--max-result-bytes", "999"),
        ("call", "--max-result-bytes", "many"),
        ("serve", "--max-file-bytes", "0"),
        ("call", "--max-file-bytes", "-1"),
        ("call", "--max-base64-bytes", "-1"),
        ("serve", "--max-base64-bytes", "1.5"),
        ("call", "--url-timeout", "-5"),
        ("call", "--url-timeout", "0"),
        ("serve", "--url-timeout", "nan"),
        ("serve", "--url-timeout", "inf"),
    ],
)
def test_out_of_range_option_is_usage_error(
    command: str, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = [command, "--http"] if command == "serve" else [command, "get_me"]

    with pytest.raises(SystemExit) as caught:
        main([*arguments, f"{option}={value}"])

    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: expected" in error
    assert value in error
    assert "Traceback" not in error


def test_option_bounds_are_accepted() -> None:
    parser = build_parser()

    lowest = parser.parse_args(
        ["serve", "--port", "0", "--max-result-bytes", "1000", "--url-timeout", "0.5"]
    )
    highest = parser.parse_args(
        ["call", "get_me", "--max-file-bytes", "1", "--max-base64-bytes", "1"]
    )
    top_port = parser.parse_args(["serve", "--port", "65535"])

    assert lowest.port == 0
    assert lowest.max_result_bytes == 1000
    assert lowest.url_timeout == 0.5
    assert highest.max_file_bytes == 1
    assert highest.max_base64_bytes == 1
    assert top_port.port == 65535


def test_deep_key_value_argument_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    deep = "[" * DEEP + "]" * DEEP

    status = main(["call", "--sandbox", "get_messages_bulk", f"messageIds={deep}"])

    assert status == 2
    error = capsys.readouterr().err
    assert "argument messageIds" in error
    assert f"{MAX_NESTING} levels" in error
    assert "Traceback" not in error


def test_deep_json_object_argument_rejected(
    capsys: pytest.CaptureFixture[str],
) -> None:
    deep = "[" * DEEP + "]" * DEEP

    status = main(
        ["call", "--sandbox", "get_messages_bulk", f'{{"messageIds": {deep}}}']
    )

    assert status == 2
    error = capsys.readouterr().err
    assert "JSON object argument" in error
    assert f"{MAX_NESTING} levels" in error


def test_invalid_json_object_named_with_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["call", "--sandbox", "get_case_by_number", '{"caseNumber": '])

    assert status == 2
    error = capsys.readouterr().err
    assert "the JSON object argument is not valid JSON" in error
    assert "line 1 column 16" in error
    assert "expected one object such as" in error
    assert "KEY=VALUE" in error
