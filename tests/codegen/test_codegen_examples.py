"""Sprinklr's documented example payloads validate against the generated models.

Requests are checked against the type of the client method's ``body``
parameter, responses against the operation's envelope model. The response
data, dumped as the MCP server sends it (null object members dropped), must
also match the tool's output schema.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any, cast

import pytest
from codegen_support import ACTIONS, spec_operations
from jsonschema import Draft202012Validator
from pydantic import BaseModel, TypeAdapter

from codegen.load import Operation
from codegen.naming import method_name
from sprinklr_generated import catalog, models
from sprinklr_generated.operations import SprinklrOperations

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "specs" / "examples"

# The OAuth token endpoint is no operation; its body is the TokenResponse schema.
TOKEN_PREFIXES = ("00-oauth-token.", "00-oauth-refresh.")

# Articles that print these responses without the {data, errors} envelope,
# although the endpoints send one; the sample is checked as the envelope's data.
UNENVELOPED = {
    "15-profile-by-sntype-snuserid.response.json",
    "16-profile-by-sntype-username.response.json",
    "23-case-by-number.response.json",
}


def example_files() -> list[Path]:
    if not EXAMPLES_DIR.is_dir():
        return []
    return sorted(EXAMPLES_DIR.glob("*.json"))


def operation_for(path: Path) -> Operation:
    number = int(path.name.split("-", 1)[0])
    return spec_operations()[ACTIONS[number]]


def body_type(operation: Operation) -> Any:
    method = getattr(SprinklrOperations, method_name(operation))
    return typing.get_type_hints(method)["body"]


def output_validator(operation: Operation) -> Draft202012Validator:
    entry = catalog.tool_entry(operation.tool or "")
    return Draft202012Validator(entry["output_schema"])


def require_examples() -> None:
    """Fail when the example payloads that ship in specs/examples are missing."""
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"example payloads missing: {EXAMPLES_DIR} does not exist")


def test_examples_folder_present() -> None:
    require_examples()

    assert len(example_files()) >= 60


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_example_validates_against_model(path: Path) -> None:
    payload = json.loads(path.read_text(encoding="utf-8"))
    kind = path.name.split(".")[1]

    if path.name.startswith(TOKEN_PREFIXES):
        models.TokenResponse.model_validate(payload)
        return

    operation = operation_for(path)
    if kind == "request":
        TypeAdapter(body_type(operation)).validate_python(payload)
        return

    assert kind == "response", path.name
    assert operation.envelope is not None, path.name
    if path.name in UNENVELOPED:
        payload = {"data": payload}
    envelope: type[BaseModel] = getattr(models, operation.envelope)
    response = envelope.model_validate(payload)

    data = TypeAdapter(Any).dump_python(
        cast(Any, response).data, mode="json", by_alias=True, exclude_unset=True
    )
    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in output_validator(operation).iter_errors(
            {"data": catalog.drop_null_members(data)}
        )
    ]
    assert errors == []


def test_unenveloped_list_is_current() -> None:
    require_examples()
    bare = {
        path.name
        for path in example_files()
        if ".response" in path.name
        and not path.name.startswith(TOKEN_PREFIXES)
        and "data" not in json.loads(path.read_text(encoding="utf-8"))
    }

    assert bare == UNENVELOPED
