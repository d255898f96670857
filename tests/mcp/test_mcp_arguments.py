"""Argument checks name each field and what was expected."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from sprinklr_mcp.mcp_server.arguments import (
    check_schema,
    coerce_arguments,
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

    assert fields(problems) == ["", "caseNumbr"]
    assert problems[0].message.startswith("Valid arguments: caseId, caseNumber")
    assert "unknown argument" in problems[1].message
    assert "'caseNumber'" in problems[1].message


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

    assert fields(problems) == ["", "caseId", "caseNumber", "extra"]


def test_json_string_array_parsed() -> None:
    arguments, parsed = coerce_arguments(
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

    arguments, parsed = coerce_arguments(original, SCHEMA)

    assert arguments == original
    assert parsed == []


# One property per kind of conversion, and the restrictions that block one.
TYPED: dict[str, Any] = {
    "type": "object",
    "properties": {
        "entityId": {"type": "string", "minLength": 1},
        "caseNumbers": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]+$"},
        },
        "status": {"type": "string", "enum": ["OPEN", "CLOSED"]},
        "code": {"type": "string", "enum": ["1", "2"]},
        "letters": {"type": "string", "pattern": "^[a-z]+$"},
        "day": {"type": "string", "format": "date"},
        "caseNumber": {"type": "integer", "minimum": 1},
        "total": {"type": "integer"},
        "ratio": {"type": "number"},
        "flag": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "nested": {
            "type": "object",
            "properties": {
                "inner": {
                    "type": "object",
                    "properties": {"count": {"type": "integer"}},
                }
            },
        },
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "queue": {
            "anyOf": [
                {
                    "type": "object",
                    "properties": {"assignmentTime": {"type": "integer"}},
                },
                {"type": "string"},
            ]
        },
        "numbers": {"type": "array", "items": {"type": "integer"}},
    },
    "additionalProperties": False,
}

CONVERSIONS: list[tuple[dict[str, Any], dict[str, Any], list[str]]] = [
    ({"entityId": 7300002}, {"entityId": "7300002"}, ["entityId"]),
    ({"entityId": -5}, {"entityId": "-5"}, ["entityId"]),
    ({"entityId": 0}, {"entityId": "0"}, ["entityId"]),
    ({"note": 12}, {"note": "12"}, ["note"]),
    ({"code": 2}, {"code": "2"}, ["code"]),
    (
        {"caseNumbers": [7300034, "7300035"]},
        {"caseNumbers": ["7300034", "7300035"]},
        ["caseNumbers[0]"],
    ),
    ({"caseNumber": "7300001"}, {"caseNumber": 7300001}, ["caseNumber"]),
    ({"total": "-3"}, {"total": -3}, ["total"]),
    ({"total": "0"}, {"total": 0}, ["total"]),
    ({"ratio": "1.5"}, {"ratio": 1.5}, ["ratio"]),
    ({"ratio": "-0.25"}, {"ratio": -0.25}, ["ratio"]),
    ({"ratio": "2e3"}, {"ratio": 2000.0}, ["ratio"]),
    ({"ratio": "7"}, {"ratio": 7}, ["ratio"]),
    ({"flag": "true"}, {"flag": True}, ["flag"]),
    ({"flag": "false"}, {"flag": False}, ["flag"]),
    (
        {"nested": {"inner": {"count": "4"}}},
        {"nested": {"inner": {"count": 4}}},
        ["nested.inner.count"],
    ),
    ({"counts": {"open": "3"}}, {"counts": {"open": 3}}, ["counts.open"]),
    (
        {"queue": {"assignmentTime": "1700000000000"}},
        {"queue": {"assignmentTime": 1700000000000}},
        ["queue.assignmentTime"],
    ),
    ({"numbers": '["1", 2]'}, {"numbers": [1, 2]}, ["numbers", "numbers[0]"]),
]


@pytest.mark.parametrize(("sent", "expected", "converted"), CONVERSIONS)
def test_unambiguous_scalars_converted(
    sent: dict[str, Any], expected: dict[str, Any], converted: list[str]
) -> None:
    arguments, paths = coerce_arguments(sent, TYPED)

    assert arguments == expected
    assert [type(value) for value in arguments.values()] == [
        type(value) for value in expected.values()
    ]
    assert paths == converted
    assert check_schema(arguments, TYPED) == []


REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"caseNumber": True}, "caseNumber", "expected integer, got boolean true"),
    ({"caseNumber": "1.5"}, "caseNumber", 'expected integer, got string "1.5"'),
    ({"caseNumber": "007"}, "caseNumber", 'expected integer, got string "007"'),
    ({"caseNumber": "+7"}, "caseNumber", 'expected integer, got string "+7"'),
    ({"caseNumber": " 7"}, "caseNumber", 'expected integer, got string " 7"'),
    ({"caseNumber": "7\n"}, "caseNumber", "expected integer, got string"),
    ({"caseNumber": "seven"}, "caseNumber", 'expected integer, got string "seven"'),
    ({"caseNumber": 1.5}, "caseNumber", "expected integer, got number 1.5"),
    ({"entityId": True}, "entityId", "expected string, got boolean true"),
    ({"entityId": 1.5}, "entityId", "expected string, got number 1.5"),
    ({"status": 1}, "status", "expected string, got integer 1"),
    ({"code": 3}, "code", "expected string, got integer 3"),
    ({"letters": 12}, "letters", "expected string, got integer 12"),
    ({"day": 5}, "day", "expected string, got integer 5"),
    ({"caseNumbers": [-1]}, "caseNumbers[0]", "expected string, got integer -1"),
    ({"ratio": "1e999"}, "ratio", 'expected number, got string "1e999"'),
    ({"ratio": "NaN"}, "ratio", 'expected number, got string "NaN"'),
    ({"ratio": "1."}, "ratio", 'expected number, got string "1."'),
    ({"ratio": True}, "ratio", "expected number, got boolean true"),
    ({"flag": "True"}, "flag", 'expected boolean, got string "True"'),
    ({"flag": "1"}, "flag", 'expected boolean, got string "1"'),
    ({"flag": 1}, "flag", "expected boolean, got integer 1"),
]


@pytest.mark.parametrize(("sent", "field", "message"), REFUSALS)
def test_ambiguous_scalars_stay_errors(
    sent: dict[str, Any], field: str, message: str
) -> None:
    arguments, paths = coerce_arguments(sent, TYPED)
    problems = check_schema(arguments, TYPED)

    assert arguments == sent
    assert paths == []
    assert set(fields(problems)) == {field}
    assert any(message in problem.message for problem in problems), problems


def test_several_accepted_types_left_alone() -> None:
    for value in (5, "5"):
        arguments, paths = coerce_arguments({"either": value}, TYPED)

        assert arguments == {"either": value}
        assert paths == []


def test_bounds_checked_after_conversion() -> None:
    arguments, paths = coerce_arguments({"caseNumber": "0"}, TYPED)
    problems = check_schema(arguments, TYPED)

    assert paths == ["caseNumber"]
    assert fields(problems) == ["caseNumber"]
    assert "minimum of 1" in problems[0].message


def test_unknown_argument_not_converted() -> None:
    arguments, paths = coerce_arguments({"caseNumbr": "5"}, TYPED)

    assert arguments == {"caseNumbr": "5"}
    assert paths == []


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
