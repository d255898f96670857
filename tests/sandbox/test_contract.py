"""Every sandbox answer matches the spec, and Sprinklr's example requests pass.

Each operation's response is checked twice: against the spec's JSON schema (which
catches wrong JSON types that pydantic would coerce) and against the generated
response model that the client parses it with.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sprinklr_generated import models
from sprinklr_generated.operations import OPERATIONS

sys.path.insert(0, str(Path(__file__).parent))

from operation_calls import OperationCall, valid_calls
from sandbox_helpers import Api

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "specs" / "sprinklr.yaml"
EXAMPLES_DIR = REPO_ROOT / "specs" / "examples"
SPEC_URI = "urn:sprinklr-mcp:spec"


def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


SPEC = load_spec()
REGISTRY: Registry[Any] = Registry().with_resource(
    SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
)


def spec_operation(operation_id: str) -> dict[str, Any]:
    info = OPERATIONS[operation_id]
    operation: dict[str, Any] = SPEC["paths"][info.path][info.method.lower()]
    return operation


def success_schema(operation_id: str) -> tuple[str, dict[str, Any] | None]:
    """Return the documented success status and its JSON schema, if any."""
    responses = spec_operation(operation_id)["responses"]
    status = next(code for code in responses if code.startswith("2"))
    content = responses[status].get("content", {}).get("application/json")
    return status, (content["schema"] if content else None)


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    reference = schema["$ref"].replace("#/", f"{SPEC_URI}#/", 1)
    return Draft202012Validator({"$ref": reference}, registry=REGISTRY)


def response_model(operation_id: str) -> type[BaseModel]:
    name = operation_id[0].upper() + operation_id[1:] + "Response"
    model: type[BaseModel] = getattr(models, name)
    return model


def test_calls_cover_every_operation(api: Api) -> None:
    covered = {call.operation_id for call in valid_calls(api.sandbox.state)}
    assert covered == set(OPERATIONS)


async def test_every_answer_matches_spec_and_model(api: Api) -> None:
    for call in valid_calls(api.sandbox.state):
        reply = await api.call(call.method, call.path, **call.request_kwargs())
        status, schema = success_schema(call.operation_id)

        assert reply.status == int(status), (call.operation_id, reply.text)
        if schema is None:
            assert reply.text == "", call.operation_id
            continue
        errors = [
            f"{list(error.absolute_path)}: {error.message}"
            for error in validator(schema).iter_errors(reply.body)
        ]
        assert errors == [], call.operation_id
        response_model(call.operation_id).model_validate(reply.body)


async def test_spec_error_statuses_cover_sandbox_errors(api: Api) -> None:
    """A 404 from the sandbox is a status the spec declares for that operation."""
    call = OperationCall("getCaseById", {"caseId": "0" * 24})
    reply = await api.call(call.method, call.path)

    assert reply.status == 404
    assert "404" in spec_operation("getCaseById")["responses"]
    errors = list(
        validator({"$ref": "#/components/schemas/ErrorEnvelope"}).iter_errors(
            reply.body
        )
    )
    assert errors == []


# Documented example requests: (file, HTTP method, path as documented). Entity
# references in paths and bodies are replaced with seeded ones by `adapt`,
# because the examples name records of Sprinklr's own tenants.
EXAMPLE_REQUESTS = (
    ("01-add-comment.request.1.json", "POST", "/api/v2/comment/CASE/{caseNumber}"),
    ("01-add-comment.request.2.json", "POST", "/api/v2/comment/CASE/{caseNumber}"),
    ("03-create-case.request.1.json", "POST", "/api/v2/case"),
    ("04-create-case-via-profile.request.json", "POST", "/api/v2/case/profile"),
    ("05-create-profile.request.json", "POST", "/api/v2/profile"),
    ("06-create-custom-entity.request.2.json", "POST", "/api/v2/custom-entity/entity"),
    ("07-deflect-call.request.1.json", "POST", "/api/v2/deflect"),
    ("07-deflect-call.request.2.json", "POST", "/api/v2/deflect"),
    ("08-delete-case-by-id.request.json", "POST", "/api/v2/case/delete"),
    (
        "09-delete-case-by-number.request.json",
        "POST",
        "/api/v2/case/case-numbers/delete",
    ),
    (
        "11-fetch-associated-comments.request.1.json",
        "POST",
        "/api/v1/generic/comment/search/UNIVERSAL_CASE/{caseNumber}",
    ),
    ("11-fetch-associated-comments.request.2.json", "POST", "/api/v2/search/COMMENT"),
    ("21-publish-message.request.2.json", "POST", "/api/v2/publishing/post"),
    ("21-publish-message.request.4.json", "POST", "/api/v2/publishing/post"),
    ("21-publish-message.request.5.json", "POST", "/api/v2/publishing/post"),
    ("21-publish-message.request.6.json", "POST", "/api/v2/publishing/post"),
    ("21-publish-message.request.9.json", "POST", "/api/v2/publishing/post"),
    ("27-update-case.request.1.json", "PUT", "/api/v2/case"),
    ("27-update-case.request.2.json", "PUT", "/api/v2/case"),
    ("27-update-case.request.3.json", "PUT", "/api/v2/case"),
    ("28-update-profile.request.2.json", "POST", "/api/v2/profile/partial-update"),
    ("28-update-profile.request.3.json", "POST", "/api/v2/profile/partial-update"),
    ("28-update-profile.request.4.json", "POST", "/api/v2/profile/partial-update"),
    ("28-update-profile.request.6.json", "POST", "/api/v2/profile/partial-update"),
)


def adapt(name: str, body: Any, api: Api) -> Any:
    """Point an example's references at seeded records, keeping JSON types."""
    state = api.sandbox.state
    cases = list(state.cases.values())
    case, victim = cases[1], cases[2]
    profile = next(iter(state.profiles.values()))
    if name.startswith("03-"):
        body["firstMessageId"] = next(
            mid for mid, m in state.messages.items() if "associatedCaseNumber" not in m
        )
    elif name.startswith("08-"):
        body = [victim["id"]]
    elif name.startswith("09-"):
        body = [str(cases[3]["caseNumber"])]
    elif name.startswith("11-") and "assetId" in body:
        body["assetId"] = str(case["caseNumber"])
    elif name.startswith("11-"):
        body["filter"]["filters"][1]["values"] = [str(case["caseNumber"])]
    elif name.startswith("27-"):
        body["caseNumbers"] = [
            type(number)(case["caseNumber"]) for number in body["caseNumbers"]
        ]
    elif name.startswith("28-") and "profileKey" in body:
        email = next(
            s for p in state.profiles.values() for s in p["profiles"]
            if s["channelType"] == "EMAIL"
        )  # fmt: skip
        body["profileKey"]["channelId"] = email["channelId"]
    elif name.startswith("28-"):
        body["id"] = profile["id"]
    return body


def require_examples() -> None:
    """Fail when the example payloads that ship in specs/examples are missing."""
    if not EXAMPLES_DIR.is_dir():
        pytest.fail(f"example payloads missing: {EXAMPLES_DIR} does not exist")


def test_example_table_lists_every_request_file() -> None:
    require_examples()
    on_disk = {path.name for path in EXAMPLES_DIR.glob("*.request*.json")}
    assert on_disk == {name for name, _, _ in EXAMPLE_REQUESTS}


@pytest.mark.parametrize(
    ("name", "method", "path"), EXAMPLE_REQUESTS, ids=[e[0] for e in EXAMPLE_REQUESTS]
)
async def test_documented_example_request_is_accepted(
    api: Api, name: str, method: str, path: str
) -> None:
    require_examples()
    body = json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))
    body = adapt(name, body, api)
    case = list(api.sandbox.state.cases.values())[1]
    path = path.replace("{caseNumber}", str(case["caseNumber"]))

    reply = await api.call(method, path, json=body)

    assert reply.status in (200, 204), reply.text
