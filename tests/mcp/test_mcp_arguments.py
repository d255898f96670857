"""Argument checks name each field and what was expected."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sprinklr_mcp.mcp_server.arguments import (
    check_schema,
    coerce_json_strings,
    validate_model,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "caseId": {"type": "string", "minLength": 1},
        "caseNumber": {"type": "integer", "minimum": 1},
        "status": {"type": "string", "enum": ["OPEN", "CLOSED"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "customProperties": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "note": {"type": ["string", "null"]},
        "flexible": {"anyOf": [{"type": "string"}, {"type": "array"}]},
    },
    "required": ["caseId"],
    "additionalProperties": False,
}


def fields(problems: list[Any]) -> list[str]:
    return [problem.field for problem in problems]


def test_valid_arguments_pass() -> None:
    assert check_schema({"caseId": "a1", "tags": ["x"]}, SCHEMA) == []


def test_missing_field_named_with_type() -> None:
    problems = check_schema({}, SCHEMA)

    assert fields(problems) == ["caseId"]
    assert "missing" in problems[0].message
    assert "string" in problems[0].message


def test_unknown_argument_named_with_suggestion() -> None:
    problems = check_schema({"caseId": "a", "caseNumbr": 5}, SCHEMA)

    assert fields(problems) == ["caseNumbr"]
    assert "unknown argument" in problems[0].message
    assert "'caseNumber'" in problems[0].message


def test_wrong_type_names_expected_and_got() -> None:
    problems = check_schema({"caseId": "a", "caseNumber": "seven"}, SCHEMA)

    assert fields(problems) == ["caseNumber"]
    assert "expected integer" in problems[0].message
    assert '"seven"' in problems[0].message


def test_enum_lists_options() -> None:
    problems = check_schema({"caseId": "a", "status": "DONE"}, SCHEMA)

    assert fields(problems) == ["status"]
    assert '"OPEN", "CLOSED"' in problems[0].message


def test_nested_problem_has_dotted_path() -> None:
    problems = check_schema(
        {"caseId": "a", "customProperties": {"_c_1": [1]}, "tags": ["ok", 2]},
        SCHEMA,
    )

    assert fields(problems) == ["customProperties._c_1[0]", "tags[1]"]


def test_every_problem_reported() -> None:
    problems = check_schema({"caseNumber": 0, "extra": 1}, SCHEMA)

    assert fields(problems) == ["caseId", "caseNumber", "extra"]


def test_json_string_array_parsed() -> None:
    arguments, parsed = coerce_json_strings(
        {"caseId": "a", "tags": '["x", "y"]', "customProperties": '{"k": ["v"]}'},
        SCHEMA,
    )

    assert arguments["tags"] == ["x", "y"]
    assert arguments["customProperties"] == {"k": ["v"]}
    assert parsed == ["tags", "customProperties"]


def test_ambiguous_strings_left_alone() -> None:
    original = {
        "caseId": "[1]",
        "flexible": '["x"]',
        "tags": "not json",
        "customProperties": "[1, 2]",
    }

    arguments, parsed = coerce_json_strings(original, SCHEMA)

    assert arguments == original
    assert parsed == []


class CaseArguments(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    case_id: str = Field(alias="caseId")
    case_number: int | None = Field(default=None, alias="caseNumber")


def test_model_problems_use_argument_names() -> None:
    problems = validate_model(CaseArguments, {"caseNumber": "x", "other": 1})

    assert isinstance(problems, list)
    assert fields(problems) == ["caseId", "caseNumber", "other"]
    assert "missing" in problems[0].message
    assert "unknown argument" in problems[2].message


def test_model_builds_on_valid_input() -> None:
    model = validate_model(CaseArguments, {"caseId": "abc", "caseNumber": 3})

    assert isinstance(model, CaseArguments)
    assert model.case_number == 3
