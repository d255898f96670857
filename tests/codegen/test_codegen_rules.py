"""Spec rule violations fail generation with a message naming the operation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from codegen_support import write_spec

from codegen import CodegenError, pipeline
from codegen.load import Operation, load_spec, read_operations
from codegen.naming import snake_case
from codegen.pipeline import build_files
from codegen.render_catalog import check_input_schema

Document = dict[str, Any]


def operation(document: Document, path: str, method: str = "get") -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def bad_tool_name(document: Document) -> str:
    operation(document, "/api/v2/me")["x-sprinklr"]["tool"] = "Get-Me"
    return "getMe"


def long_tool_name(document: Document) -> str:
    operation(document, "/api/v2/me")["x-sprinklr"]["tool"] = "a" * 65
    return "getMe"


def duplicate_tool_name(document: Document) -> str:
    operation(document, "/api/v2/case/{caseId}")["x-sprinklr"]["tool"] = "get_me"
    return "getMe"


def snake_case_collision(document: Document) -> str:
    copied = dict(operation(document, "/api/v2/me"))
    copied["operationId"] = "getME"
    copied["x-sprinklr"] = {**copied["x-sprinklr"], "tool": "get_me_again"}
    document["paths"]["/api/v2/me/again"] = {"get": copied}
    return "getMe"


def duplicate_operation_id(document: Document) -> str:
    operation(document, "/api/v2/case/{caseId}")["operationId"] = "getMe"
    return "getMe"


def argument_collision(document: Document) -> str:
    operation(document, "/api/v2/case", "post")["parameters"] = [
        {
            "name": "subject",
            "in": "query",
            "description": "Clashes with the body field of the same name.",
            "schema": {"type": "string"},
        }
    ]
    return "createCase"


def renamed_argument_collision(document: Document) -> str:
    parameters = operation(document, "/api/v2/case/case-numbers")["parameters"]
    parameters[1]["x-sprinklr-argument"] = "caseNumber"
    return "getCaseByNumber"


def python_name_collision(document: Document) -> str:
    parameters = operation(document, "/api/v2/case/case-numbers")["parameters"]
    parameters[1]["x-sprinklr-argument"] = "case_number"
    return "getCaseByNumber"


def invalid_argument_name(document: Document) -> str:
    parameters = operation(document, "/api/v2/case/case-numbers")["parameters"]
    parameters[0]["x-sprinklr-argument"] = "case number"
    return "getCaseByNumber"


def invalid_safety(document: Document) -> str:
    operation(document, "/api/v2/me")["x-sprinklr"]["safety"] = "harmless"
    return "getMe"


def missing_retry(document: Document) -> str:
    del operation(document, "/api/v2/me")["x-sprinklr"]["retry"]
    return "getMe"


def missing_extension(document: Document) -> str:
    del operation(document, "/api/v2/me")["x-sprinklr"]
    return "getMe"


def unknown_extension_key(document: Document) -> str:
    operation(document, "/api/v2/me")["x-sprinklr"]["tools"] = "get_me"
    return "getMe"


def header_parameter(document: Document) -> str:
    operation(document, "/api/v2/me")["parameters"] = [
        {"name": "workspace_id", "in": "header", "schema": {"type": "string"}}
    ]
    return "getMe"


def bare_array_body_without_argument(document: Document) -> str:
    body = operation(document, "/api/v2/case/delete", "post")["requestBody"]
    del body["x-sprinklr-body-argument"]
    return "deleteCasesById"


def undescribed_argument(document: Document) -> str:
    parameters = operation(document, "/api/v2/case/{caseId}")["parameters"]
    del parameters[0]["description"]
    return "getCaseById"


def tool_without_description(document: Document) -> str:
    del operation(document, "/api/v2/me")["description"]
    return "getMe"


def two_success_responses(document: Document) -> str:
    responses = operation(document, "/api/v2/me")["responses"]
    responses["201"] = responses["200"]
    return "getMe"


def unknown_composite(document: Document) -> str:
    extension = operation(document, "/api/v2/profile/{profileId}/cases")["x-sprinklr"]
    extension["composite"] = ["searchEverything"]
    return "listProfileCases"


def required_nullable_output(document: Document) -> str:
    user = document["components"]["schemas"]["User"]
    user["properties"]["email"] = {"type": ["string", "null"]}
    user["required"] = ["email"]
    return "getMe"


# Each violation and a fragment of the message it must produce.
VIOLATIONS: list[tuple[Callable[[Document], str], str]] = [
    (bad_tool_name, "tool name 'Get-Me' does not match"),
    (long_tool_name, "does not match ^[a-z0-9_]{1,64}$"),
    (duplicate_tool_name, "repeats the tool name 'get_me'"),
    (snake_case_collision, "both become the method get_me()"),
    (
        duplicate_operation_id,
        "Operation ID 'getMe' for 'get' in '/api/v2/case/{caseId}'",
    ),
    (argument_collision, "argument 'subject' collides"),
    (renamed_argument_collision, "argument 'caseNumber' collides"),
    (python_name_collision, "both become the Python parameter 'case_number'"),
    (invalid_argument_name, "argument name 'case number' does not match"),
    (invalid_safety, "x-sprinklr.safety is 'harmless'"),
    (missing_retry, "x-sprinklr.retry is None"),
    (missing_extension, "has no x-sprinklr mapping"),
    (unknown_extension_key, "unknown keys ['tools']"),
    (header_parameter, "parameter 'workspace_id' is in header"),
    (bare_array_body_without_argument, "x-sprinklr-body-argument"),
    (undescribed_argument, "input property 'caseId' has no description"),
    (tool_without_description, "no summary or description"),
    (two_success_responses, "success responses ['200', '201']"),
    (unknown_composite, "composite names 'searchEverything'"),
    (required_nullable_output, "output property 'email' is required and nullable"),
]


@pytest.mark.parametrize(
    ("violate", "fragment"), VIOLATIONS, ids=[v.__name__ for v, _ in VIOLATIONS]
)
def test_rule_violation_names_operation(
    violate: Callable[[Document], str],
    fragment: str,
    mini_document: Document,
    tmp_path: Path,
) -> None:
    operation_id = violate(mini_document)
    spec = write_spec(mini_document, tmp_path)

    with pytest.raises(CodegenError) as raised:
        build_files(spec)

    assert operation_id in str(raised.value)
    assert fragment in str(raised.value)
    assert list(tmp_path.iterdir()) == [spec]


def test_invalid_openapi_fails_clearly(mini_document: Document, tmp_path: Path) -> None:
    operation(mini_document, "/api/v2/me")["responses"]["200"]["content"] = {
        "application/json": {"schema": {"type": "bogus"}}
    }
    spec = write_spec(mini_document, tmp_path)

    with pytest.raises(CodegenError, match=r"not valid OpenAPI 3\.1"):
        build_files(spec)


def test_missing_spec_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(CodegenError, match="cannot read the spec"):
        build_files(tmp_path / "absent.yaml")


def fixture_operation(
    mini_document: Document, tmp_path: Path, operation_id: str
) -> Operation:
    spec = load_spec(write_spec(mini_document, tmp_path))
    by_id = {item.operation_id: item for item in read_operations(spec)}
    return by_id[operation_id]


INVALID_INPUT_SCHEMAS: list[tuple[str, dict[str, Any]]] = [
    (
        "$ref",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "caseId": {
                    "description": "The case.",
                    "items": {"$ref": "#/components/schemas/Case"},
                }
            },
        },
    ),
    (
        "$defs",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {},
            "$defs": {"Case": {"type": "object"}},
        },
    ),
    ("additionalProperties", {"type": "object", "properties": {}}),
    (
        "top-level anyOf",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {},
            "anyOf": [{"required": ["a"]}],
        },
    ),
    ("object with properties", {"type": "object", "additionalProperties": False}),
    (
        "invalid name",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {"case id": {"type": "string", "description": "ID."}},
        },
    ),
    (
        "empty description",
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "caseId": {
                    "type": "object",
                    "description": "ID.",
                    "properties": {"x": {"description": " "}},
                }
            },
        },
    ),
]


@pytest.mark.parametrize(
    ("problem", "schema"),
    INVALID_INPUT_SCHEMAS,
    ids=[p for p, _ in INVALID_INPUT_SCHEMAS],
)
def test_input_schema_check_names_operation(
    problem: str, schema: dict[str, Any], mini_document: Document, tmp_path: Path
) -> None:
    case_operation = fixture_operation(mini_document, tmp_path, "getCaseById")

    with pytest.raises(CodegenError, match=re.escape(problem.split()[-1])) as raised:
        check_input_schema(case_operation, schema)

    assert "getCaseById" in str(raised.value)
    assert "get_case_by_id" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("getMe", "get_me"),
        ("getCaseById", "get_case_by_id"),
        ("getKBContent", "get_kb_content"),
        ("avgCaseResponseSLA", "avg_case_response_sla"),
        ("case-number", "case_number"),
        ("epoch_time", "epoch_time"),
        ("snType", "sn_type"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_postprocess_step_checks_its_count(monkeypatch: pytest.MonkeyPatch) -> None:
    step = ("drop x", r"^x = 1$", "", 1)
    monkeypatch.setattr(pipeline, "POSTPROCESS_STEPS", [step])

    assert pipeline.postprocess_models("x = 1\ny = 2\n") == "\ny = 2\n"
    with pytest.raises(CodegenError, match="'drop x' made 2 substitutions, expected 1"):
        pipeline.postprocess_models("x = 1\nx = 1\n")
