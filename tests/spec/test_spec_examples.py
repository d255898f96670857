"""Validate Sprinklr's documented example payloads against the spec's schemas.

The examples live in the shared folder beside the clone. File names are
`<NN>-<slug>.<request|response>[.<k>].json`, where NN is the action number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from spec_actions import ACTIONS

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO_ROOT / "specs" / "examples"

# The OAuth token endpoint is not an operation, so its examples match the
# TokenResponse component.
TOKEN_EXAMPLE_PREFIXES = ("00-oauth-token.", "00-oauth-refresh.")

# Articles that print a swagger-style sample without the {data, errors}
# envelope. Real responses of these endpoints are enveloped, so the sample is
# checked as the envelope's `data`.
UNENVELOPED_SAMPLES = {
    "15-profile-by-sntype-snuserid.response.json",
    "16-profile-by-sntype-username.response.json",
    "23-case-by-number.response.json",
}


def example_files() -> list[Path]:
    if not EXAMPLES_DIR.is_dir():
        return []
    return sorted(EXAMPLES_DIR.glob("*.json"))


def require_examples() -> None:
    """Fail when the example payloads that ship in specs/examples are missing."""
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"example payloads missing: {EXAMPLES_DIR} does not exist")


def operation_for(
    operations: dict[str, tuple[str, str, dict[str, Any]]], file_name: str
) -> dict[str, Any]:
    number = int(file_name.split("-", 1)[0])
    operation_id = "getMe" if number == 0 else ACTIONS[number]
    return operations[operation_id][2]


def schema_for(
    operations: dict[str, tuple[str, str, dict[str, Any]]], file_name: str
) -> dict[str, Any]:
    """Return the schema an example file must match, as a local $ref."""
    if file_name.startswith(TOKEN_EXAMPLE_PREFIXES):
        return {"$ref": "#/components/schemas/TokenResponse"}

    operation = operation_for(operations, file_name)
    kind = file_name.split(".")[1]
    if kind == "request":
        schema: dict[str, Any] = operation["requestBody"]["content"][
            "application/json"
        ]["schema"]
        return schema
    assert kind == "response", f"{file_name}: kind {kind!r} is not request/response"
    success = [
        response
        for code, response in operation["responses"].items()
        if code.startswith("2") and "content" in response
    ]
    schema = success[0]["content"]["application/json"]["schema"]
    return schema


def test_examples_folder_is_present() -> None:
    require_examples()
    assert example_files(), f"{EXAMPLES_DIR} has no .json files"


def test_every_example_maps_to_a_schema(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
) -> None:
    require_examples()
    for path in example_files():
        schema = schema_for(operations, path.name)
        assert schema["$ref"].startswith("#/components/schemas/"), path.name


def test_unenveloped_list_is_current() -> None:
    """Each listed sample really lacks the envelope, and no other does."""
    require_examples()
    bare = set()
    for path in example_files():
        payload = json.loads(path.read_text(encoding="utf-8"))
        is_response = ".response" in path.name
        is_token = path.name.startswith(TOKEN_EXAMPLE_PREFIXES)
        if is_response and not is_token and "data" not in payload:
            bare.add(path.name)
    assert bare == UNENVELOPED_SAMPLES


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_example_matches_schema(
    operations: dict[str, tuple[str, str, dict[str, Any]]],
    validator_for: Callable[[dict[str, Any]], Draft202012Validator],
    path: Path,
) -> None:
    payload = json.loads(path.read_text(encoding="utf-8"))
    if path.name in UNENVELOPED_SAMPLES:
        payload = {"data": payload}

    validator = validator_for(schema_for(operations, path.name))
    errors = sorted(validator.iter_errors(payload), key=lambda error: error.path)
    messages = [f"{list(error.path)}: {error.message}" for error in errors]
    assert messages == [], path.name


@pytest.mark.parametrize(
    ("schema_name", "payload"),
    [
        ("GetCaseByIdResponse", {"data": {"caseNumber": "not a number"}}),
        ("GetCaseByIdResponse", {"errors": []}),
        ("CommentRequest", {"attachment": {"url": "u", "type": "IMAGE"}}),
        ("CaseIdList", []),
        ("CaseNumberList", ["12a"]),
        ("CaseUpdateRequest", {"caseNumbers": [1], "updateActions": ["CLOSE"]}),
        ("PublishMessageResponse", {"data": [1]}),
        ("DeflectCallResponse", {"data": {"data": ["not", "a", "string"]}}),
    ],
)
def test_schema_rejects_invalid_payload(
    validator_for: Callable[[dict[str, Any]], Draft202012Validator],
    schema_name: str,
    payload: Any,
) -> None:
    validator = validator_for({"$ref": f"#/components/schemas/{schema_name}"})
    assert not validator.is_valid(payload)
