"""The committed package covers every action and its catalog obeys the MCP rules."""

from __future__ import annotations

import ast
import inspect
import json
import re
from typing import Any

import pytest
from codegen_support import ACTIONS, GENERATED_DIR
from jsonschema import Draft202012Validator
from pydantic import BaseModel

from codegen.schemas import split_type_arrays
from sprinklr_generated import catalog, models
from sprinklr_generated.operations import OPERATIONS, TOOL_BINDINGS, SprinklrOperations

# The 30 supported actions plus getMe, by operationId.
TOOL_OPERATIONS = set(ACTIONS.values())
# Operations with a client method but no tool.
TOOL_LESS_OPERATIONS = {"searchCases"}

PROPERTY_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
TOOL_NAME = re.compile(r"^[a-z0-9_]{1,64}$")
EXPECTED_HINTS = {
    "read": (True, False, True, True),
    "write": (False, False, False, True),
    "outbound": (False, False, False, True),
}
ENTRIES = catalog.tool_entries()


def walk(schema: Any) -> list[dict[str, Any]]:
    """Return every schema object inside ``schema``, skipping property-name maps."""
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for keyword, value in schema.items():
        if keyword in ("properties", "patternProperties"):
            for child in value.values():
                found.extend(walk(child))
        elif keyword in ("anyOf", "oneOf", "allOf", "prefixItems"):
            for child in value:
                found.extend(walk(child))
        elif keyword in ("items", "additionalProperties", "not", "propertyNames"):
            found.extend(walk(value))
    return found


def test_every_action_has_operation_method_and_tool() -> None:
    assert len(TOOL_OPERATIONS) == 31
    assert set(OPERATIONS) == TOOL_OPERATIONS | TOOL_LESS_OPERATIONS
    by_operation = {entry["operation_id"]: entry for entry in ENTRIES.values()}
    assert set(by_operation) == TOOL_OPERATIONS

    for operation_id, info in OPERATIONS.items():
        entry = by_operation.get(operation_id)
        method_name = entry["method_name"] if entry else "search_cases"
        method = getattr(SprinklrOperations, method_name)
        assert inspect.iscoroutinefunction(method), operation_id
        assert (info.tool is None) == (operation_id in TOOL_LESS_OPERATIONS)
        if entry is not None:
            assert info.tool == entry["name"]
            assert TOOL_BINDINGS[entry["name"]].method_name == method_name


def test_tool_names_are_valid_and_unique() -> None:
    names = [entry["name"] for entry in ENTRIES.values()]

    assert len(names) == len(set(names))
    for name in names:
        assert TOOL_NAME.fullmatch(name), name


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_input_schema_obeys_mcp_rules(tool: str) -> None:
    schema = ENTRIES[tool]["input_schema"]

    assert schema["type"] == "object"
    assert isinstance(schema["properties"], dict)
    assert schema["additionalProperties"] is False
    for keyword in ("anyOf", "oneOf", "allOf", "not"):
        assert keyword not in schema
    for name, child in schema["properties"].items():
        assert PROPERTY_NAME.fullmatch(name), name
        assert child["description"].strip(), name
    for node in walk(schema):
        assert "$ref" not in node
        assert "$defs" not in node
        assert "title" not in node
        if "description" in node:
            assert isinstance(node["description"], str)
            assert node["description"].strip()
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_input_schema_matches_arguments_model(tool: str) -> None:
    entry = ENTRIES[tool]
    model = getattr(models, entry["arguments_model"])
    aliases = {field.alias or name for name, field in model.model_fields.items()}
    required = {
        field.alias or name
        for name, field in model.model_fields.items()
        if field.is_required()
    }

    assert model is TOOL_BINDINGS[tool].arguments_model
    assert model.model_config.get("extra") == "forbid"
    assert aliases == set(entry["input_schema"]["properties"])
    assert required == set(entry["input_schema"].get("required", []))
    assert {row["name"] for row in entry["arguments"]} == aliases


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_output_schema_wraps_data(tool: str) -> None:
    schema = ENTRIES[tool]["output_schema"]

    assert schema["type"] == "object"
    assert schema["required"] == ["data"]
    assert set(schema["properties"]) == {"data", "nextCursor", "returned", "total"}
    assert schema["properties"]["nextCursor"]["type"] == "string"
    assert schema["properties"]["returned"]["type"] == "integer"
    assert schema["properties"]["total"]["type"] == "integer"
    for node in walk(schema):
        assert "$ref" not in node
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_no_schema_has_type_array(tool: str) -> None:
    entry = ENTRIES[tool]

    for kind in ("input_schema", "output_schema"):
        for node in walk(entry[kind]):
            assert not isinstance(node.get("type"), list), (kind, node)


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_output_data_members_never_null(tool: str) -> None:
    """Inside data, no object member accepts null: the server drops null members."""
    data = ENTRIES[tool]["output_schema"]["properties"]["data"]

    for node in walk(data):
        for child in node.get("properties", {}).values():
            kinds = child.get("type")
            assert kinds != "null", (tool, child)
            assert not (isinstance(kinds, list) and "null" in kinds), (tool, child)
            for branch in child.get("anyOf", []):
                assert branch.get("type") != "null", (tool, child)
        values = node.get("additionalProperties")
        if isinstance(values, dict):
            for branch in values.get("anyOf", []):
                assert branch.get("type") != "null", (tool, values)


def test_split_type_array_keeps_constraints_per_type() -> None:
    schema = {
        "type": ["string", "array", "null"],
        "description": "An ID or a list of IDs.",
        "minLength": 1,
        "items": {"type": ["integer", "string"]},
        "maxItems": 5,
    }

    split = split_type_arrays(schema)

    assert split == {
        "description": "An ID or a list of IDs.",
        "anyOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "array",
                "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                "maxItems": 5,
            },
            {"type": "null"},
        ],
    }


def test_split_type_array_drops_integer_beside_number() -> None:
    assert split_type_arrays({"type": ["integer", "number"]}) == {"type": "number"}
    assert split_type_arrays({"type": ["integer", "number", "string"]}) == {
        "anyOf": [{"type": "number"}, {"type": "string"}]
    }


def test_split_type_array_moves_existing_any_of() -> None:
    existing = [{"minimum": 0}, {"pattern": "^[0-9]+$"}]

    split = split_type_arrays({"type": ["integer", "string"], "anyOf": existing})

    assert split["allOf"] == [{"anyOf": existing}]
    assert split["anyOf"] == [{"type": "integer"}, {"type": "string"}]


def test_drop_null_members_recurses_and_keeps_null_items() -> None:
    value = {
        "id": 1,
        "note": None,
        "nested": {"keep": False, "gone": None},
        "items": [None, {"a": None, "b": 0}, [None, {"c": None}]],
    }

    assert catalog.drop_null_members(value) == {
        "id": 1,
        "nested": {"keep": False},
        "items": [None, {"b": 0}, [None, {}]],
    }
    assert catalog.drop_null_members(None) is None
    assert value["note"] is None


@pytest.mark.parametrize("tool", sorted(ENTRIES))
def test_annotations_match_safety(tool: str) -> None:
    entry = ENTRIES[tool]
    hints = entry["annotations"]
    info = OPERATIONS[entry["operation_id"]]
    actual = (
        hints["readOnlyHint"],
        hints["destructiveHint"],
        hints["idempotentHint"],
        hints["openWorldHint"],
    )

    assert set(hints) == {
        "readOnlyHint",
        "destructiveHint",
        "idempotentHint",
        "openWorldHint",
    }
    assert entry["safety"] == info.safety
    if info.safety == "destructive":
        assert actual == (False, True, info.retry, True)
    else:
        assert actual == EXPECTED_HINTS[info.safety]


def test_deletes_by_id_are_idempotent() -> None:
    assert ENTRIES["delete_cases_by_id"]["annotations"]["idempotentHint"] is True
    assert ENTRIES["delete_cases_by_id"]["annotations"]["destructiveHint"] is True


def test_media_upload_arguments() -> None:
    single = ENTRIES["upload_media"]
    file_rows = [row for row in single["arguments"] if row["location"] == "file"]
    properties = single["input_schema"]["properties"]

    assert [row["name"] for row in file_rows] == [
        "filePath",
        "fileUrl",
        "fileBase64",
        "fileName",
    ]
    assert {row["python_name"] for row in file_rows} == {"file"}
    assert {row["wire_name"] for row in file_rows} == {"file"}
    assert "file" not in properties
    assert "exactly one of filePath, fileUrl or fileBase64" in single["description"]

    bulk = ENTRIES["upload_media_bulk"]
    (files_row,) = [row for row in bulk["arguments"] if row["location"] == "file"]
    items = bulk["input_schema"]["properties"]["files"]["items"]
    assert files_row == {
        "location": "file",
        "name": "files",
        "python_name": "files",
        "wire_name": "files",
    }
    assert set(items["properties"]) == {"filePath", "fileUrl", "fileBase64", "fileName"}
    assert items["additionalProperties"] is False


def test_catalog_json_layout() -> None:
    text = (GENERATED_DIR / "catalog.json").read_text(encoding="utf-8")
    loaded = json.loads(text)

    assert (
        text == json.dumps(loaded, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    assert loaded["spec"] == "specs/sprinklr.yaml"
    assert re.fullmatch(r"[0-9a-f]{64}", loaded["spec_sha256"])
    assert [entry["name"] for entry in loaded["tools"]] == sorted(ENTRIES)


def test_tool_entry_rejects_unknown_name() -> None:
    with pytest.raises(KeyError, match="unknown tool 'nope'"):
        catalog.tool_entry("nope")


def test_every_generated_file_has_banner() -> None:
    digest = json.loads((GENERATED_DIR / "catalog.json").read_text("utf-8"))[
        "spec_sha256"
    ]
    for path in sorted(GENERATED_DIR.glob("*.py")):
        head = path.read_text(encoding="utf-8").splitlines()[:3]
        assert head[0].startswith("# Generated by `python -m codegen`. Do not edit"), (
            path
        )
        assert head[1] == "# spec: specs/sprinklr.yaml", path
        assert head[2] == f"# sha256: {digest}", path


def test_generated_imports_only_pydantic_and_stdlib() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {"pydantic"}
    for path in sorted(GENERATED_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level > 0:
                    continue
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in allowed, f"{path.name} imports {root}"


def test_models_keep_unknown_fields() -> None:
    case = models.Case.model_validate({"id": "a1", "brandNewField": {"x": 1}})

    assert case.model_dump(by_alias=True, exclude_unset=True) == {
        "id": "a1",
        "brandNewField": {"x": 1},
    }


def test_every_model_is_pydantic() -> None:
    classes = [
        value
        for value in vars(models).values()
        if isinstance(value, type) and value.__module__ == models.__name__
    ]

    assert classes
    for cls in classes:
        assert issubclass(cls, BaseModel), cls.__name__
