"""Structure checks on specs/sprinklr.yaml: the conventions codegen relies on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from spec_actions import ACTIONS, EXTRA_OPERATIONS, INFERRED_ACTIONS

ALL_OPERATIONS = sorted(set(ACTIONS.values()) | EXTRA_OPERATIONS)
SAFETY_CLASSES = {"read", "write", "destructive", "outbound"}
X_SPRINKLR_KEYS = {"source", "safety", "retry", "tool", "composite"}
SECURITY = [{"bearerAuth": [], "apiKey": []}]

TOOL_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LOWER_CAMEL = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")
ARGUMENT_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")

EXPECTED_SAFETY = {
    "deleteCasesById": "destructive",
    "deleteCasesByNumber": "destructive",
    "publishMessage": "outbound",
    "deflectCall": "outbound",
    "triggerCustomerJourney": "outbound",
}
ENTITY_SCHEMAS = [
    "Case",
    "Profile",
    "ChannelProfile",
    "Message",
    "Comment",
    "KnowledgeBaseContent",
    "CustomEntity",
    "Media",
    "User",
    "Campaign",
    "Nudge",
    "AfterCallWork",
    "OneTimeToken",
    "SmartAssistSuggestion",
]
SHARED_ERROR_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "421": "Misdirected",
    "429": "TooManyRequests",
    "500": "ServerError",
    "503": "ServiceUnavailable",
    "504": "GatewayTimeout",
}
DEFLECT_CODES = {"410", "411", "412", "413", "415"}

Operations = dict[str, tuple[str, str, dict[str, Any]]]


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def pascal_case(name: str) -> str:
    return name[0].upper() + name[1:]


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow one local $ref, if the node is a reference."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_spec_passes_validator(spec: dict[str, Any]) -> None:
    validate(spec)


def test_openapi_version_and_servers(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    assert spec["info"]["version"]
    assert "dev.sprinklr.com" in spec["info"]["description"]

    (server,) = spec["servers"]
    assert server["url"] == "https://{host}{environmentPath}"
    host = server["variables"]["host"]
    assert host["default"] == "api3.sprinklr.com"
    assert set(host["enum"]) == {"api3.sprinklr.com", "api2.sprinklr.com"}
    environment = server["variables"]["environmentPath"]
    assert environment["default"] == ""
    assert "/prod2" in environment["description"]


def test_security_schemes_declared(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["apiKey"]["type"] == "apiKey"
    assert schemes["apiKey"]["in"] == "header"
    assert schemes["apiKey"]["name"] == "Key"

    flow = schemes["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/oauth/authorize"
    assert flow["tokenUrl"] == "/oauth/token"
    assert flow["scopes"] == {}
    assert spec["security"] == SECURITY


def test_every_action_has_one_operation(operations: Operations) -> None:
    assert len(ACTIONS) == 30
    assert len(set(ACTIONS.values())) == 30
    assert set(operations) == set(ACTIONS.values()) | EXTRA_OPERATIONS


def test_get_me_path_and_tool(operations: Operations) -> None:
    method, path, operation = operations["getMe"]
    assert (method, path) == ("get", "/api/v2/me")
    assert operation["x-sprinklr"]["tool"] == "get_me"


@pytest.mark.parametrize("operation_id", ALL_OPERATIONS)
def test_operation_is_documented(operations: Operations, operation_id: str) -> None:
    _, _, operation = operations[operation_id]
    assert LOWER_CAMEL.match(operation_id)
    assert operation["summary"].strip()

    description = operation["description"].strip()
    sentences = [part for part in re.split(r"(?<=[.!?])\s+", description) if part]
    assert 2 <= len(sentences) <= 5, description
    assert operation["security"] == SECURITY
    assert operation["tags"]


@pytest.mark.parametrize("operation_id", ALL_OPERATIONS)
def test_x_sprinklr_has_valid_values(operations: Operations, operation_id: str) -> None:
    method, _, operation = operations[operation_id]
    extension = operation["x-sprinklr"]

    assert set(extension) <= X_SPRINKLR_KEYS
    assert extension["source"] == "inferred" or SLUG_PATTERN.match(extension["source"])
    assert extension["safety"] in SAFETY_CLASSES
    assert isinstance(extension["retry"], bool)
    if method == "get":
        assert extension["safety"] == "read"
    if extension["safety"] == "read":
        assert extension["retry"] is True
    if extension["safety"] in {"write", "outbound"}:
        assert extension["retry"] is False
    assert extension["safety"] == EXPECTED_SAFETY.get(operation_id, extension["safety"])
    if "tool" in extension:
        assert TOOL_PATTERN.match(extension["tool"])
        assert extension["tool"] == snake_case(operation_id)


def test_only_deletes_are_destructive(operations: Operations) -> None:
    destructive = {
        operation_id
        for operation_id, (_, _, operation) in operations.items()
        if operation["x-sprinklr"]["safety"] == "destructive"
    }
    assert destructive == {"deleteCasesById", "deleteCasesByNumber"}


def test_tool_names_are_unique(operations: Operations) -> None:
    tools = [
        operation["x-sprinklr"]["tool"]
        for _, _, operation in operations.values()
        if "tool" in operation["x-sprinklr"]
    ]
    assert len(tools) == 31
    assert len(set(tools)) == len(tools)


def test_search_cases_has_no_tool(operations: Operations) -> None:
    method, path, operation = operations["searchCases"]
    assert (method, path) == ("post", "/api/v2/search/CASE")
    assert "tool" not in operation["x-sprinklr"]
    assert operation["x-sprinklr"]["source"] == "search-by-entity"


def test_list_profile_cases_is_a_composite(operations: Operations) -> None:
    _, _, operation = operations["listProfileCases"]
    extension = operation["x-sprinklr"]
    assert extension["composite"] == ["getProfileById", "searchCases"]
    assert extension["source"] == "inferred"
    for part in extension["composite"]:
        assert part in operations
        assert snake_case(part) in operation["description"]
    assert "contact.channelId" in operation["description"]
    assert "newest first" in operation["description"]


def test_only_listed_operations_are_composite(operations: Operations) -> None:
    composites = {
        operation_id
        for operation_id, (_, _, operation) in operations.items()
        if "composite" in operation["x-sprinklr"]
    }
    assert composites == {"listProfileCases"}


def test_inferred_operations_match_actions(
    operations: Operations,
) -> None:
    inferred = {
        operation_id
        for operation_id, (_, _, operation) in operations.items()
        if operation["x-sprinklr"]["source"] == "inferred"
    }
    assert inferred == {ACTIONS[number] for number in INFERRED_ACTIONS}

    for operation_id in inferred - {"listProfileCases"}:
        description = operations[operation_id][2]["description"]
        assert "Inferred" in description, operation_id
        # Each names the documented endpoint or export record it follows.
        assert "/api/v" in description or "API export" in description, operation_id


def test_parameters_are_typed_and_described(
    spec: dict[str, Any], operations: Operations
) -> None:
    for operation_id, (_, path, operation) in operations.items():
        for parameter in operation.get("parameters", []):
            label = f"{operation_id} {parameter['name']}"
            assert parameter["in"] in {"path", "query"}, label
            assert parameter["description"].strip(), label
            schema = resolve(spec, parameter["schema"])
            assert schema.get("type") in {"string", "integer", "boolean"}, label
            if parameter["in"] == "path":
                assert parameter["required"] is True, label
                assert "{" + parameter["name"] + "}" in path, label

            argument = parameter.get("x-sprinklr-argument", parameter["name"])
            assert ARGUMENT_PATTERN.match(argument), label
            assert parameter["name"].isidentifier() or "x-sprinklr-argument" in (
                parameter
            ), label


def test_case_number_argument_name(operations: Operations) -> None:
    _, _, operation = operations["getCaseByNumber"]
    (parameter,) = operation["parameters"]
    assert parameter["name"] == "case-number"
    assert parameter["x-sprinklr-argument"] == "caseNumber"


def argument_names(spec: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    names = [
        parameter.get("x-sprinklr-argument", parameter["name"])
        for parameter in operation.get("parameters", [])
    ]
    body = operation.get("requestBody")
    if body is None:
        return names
    if "x-sprinklr-body-argument" in body:
        return [*names, body["x-sprinklr-body-argument"]]
    for media in body["content"].values():
        names.extend(resolve(spec, media["schema"]).get("properties", {}))
    return names


def test_argument_names_do_not_collide(
    spec: dict[str, Any], operations: Operations
) -> None:
    for operation_id, (_, _, operation) in operations.items():
        names = argument_names(spec, operation)
        assert len(names) == len(set(names)), (operation_id, names)


def test_request_bodies_reference_named_schemas(
    spec: dict[str, Any], operations: Operations
) -> None:
    array_bodies = {}
    for operation_id, (_, _, operation) in operations.items():
        body = operation.get("requestBody")
        if body is None:
            continue
        assert body["required"] is True, operation_id
        (media_type,) = body["content"]
        schema_ref = body["content"][media_type]["schema"]["$ref"]
        assert schema_ref.startswith("#/components/schemas/"), operation_id
        schema = resolve(spec, {"$ref": schema_ref})

        if media_type == "application/json" and schema["type"] == "array":
            array_bodies[operation_id] = body["x-sprinklr-body-argument"]
        else:
            assert "x-sprinklr-body-argument" not in body, operation_id
        assert media_type in {"application/json", "multipart/form-data"}

    assert array_bodies == {
        "deleteCasesById": "caseIds",
        "deleteCasesByNumber": "caseNumbers",
        "getMessagesBulk": "messageIds",
    }


def test_media_uploads_are_multipart_files(
    spec: dict[str, Any], operations: Operations
) -> None:
    binary = {"type": "string", "contentMediaType": "application/octet-stream"}

    single = operations["uploadMedia"][2]["requestBody"]["content"]
    form = resolve(spec, single["multipart/form-data"]["schema"])
    assert form["required"] == ["file"]
    assert {key: form["properties"]["file"][key] for key in binary} == binary

    bulk = operations["uploadMediaBulk"][2]["requestBody"]["content"]
    form = resolve(spec, bulk["multipart/form-data"]["schema"])
    assert form["required"] == ["files"]
    assert form["properties"]["files"]["type"] == "array"
    items = form["properties"]["files"]["items"]
    assert {key: items[key] for key in binary} == binary


def test_success_responses_use_named_envelopes(
    spec: dict[str, Any], operations: Operations
) -> None:
    for operation_id, (_, _, operation) in operations.items():
        success = {
            code: response
            for code, response in operation["responses"].items()
            if code.startswith("2")
        }
        assert len(success) == 1, operation_id
        ((code, response),) = success.items()

        if code == "204":
            assert "content" not in response, operation_id
            continue
        assert code == "200", operation_id
        assert set(response["content"]) == {"application/json"}, operation_id
        schema_ref = response["content"]["application/json"]["schema"]["$ref"]
        name = pascal_case(operation_id) + "Response"
        assert schema_ref == f"#/components/schemas/{name}", operation_id

        envelope = spec["components"]["schemas"][name]
        assert envelope["type"] == "object", name
        assert envelope["required"] == ["data"], name
        assert set(envelope["properties"]) == {"data", "errors"}, name
        errors = envelope["properties"]["errors"]
        assert errors["items"] == {"$ref": "#/components/schemas/ApiError"}, name


def test_deletes_answer_204_without_body(operations: Operations) -> None:
    for operation_id in ("deleteCasesById", "deleteCasesByNumber"):
        responses = operations[operation_id][2]["responses"]
        assert "204" in responses
        assert "content" not in responses["204"]


def test_errors_use_shared_responses(
    spec: dict[str, Any], operations: Operations
) -> None:
    shared = spec["components"]["responses"]
    for name in SHARED_ERROR_RESPONSES.values():
        assert shared[name]["description"].strip(), name
        assert set(shared[name]["content"]) == {"application/json", "text/plain"}

    for operation_id, (_, _, operation) in operations.items():
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                continue
            if operation_id == "deflectCall" and code in DEFLECT_CODES:
                assert "$ref" not in response
                assert response["description"].strip()
                continue
            expected = f"#/components/responses/{SHARED_ERROR_RESPONSES[code]}"
            assert response == {"$ref": expected}, (operation_id, code)

        for code in ("400", "401", "403", "429", "500"):
            assert code in operation["responses"], (operation_id, code)


def test_deflect_own_status_codes(operations: Operations) -> None:
    responses = operations["deflectCall"][2]["responses"]
    assert set(responses) >= DEFLECT_CODES
    assert "Account not found" in responses["410"]["description"]
    assert "deflectionType" in responses["411"]["description"]


def test_entity_schemas_allow_unknown_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in ENTITY_SCHEMAS:
        assert schemas[name]["type"] == "object", name
        assert schemas[name]["additionalProperties"] is True, name


def test_custom_properties_are_string_list_maps(spec: dict[str, Any]) -> None:
    custom = spec["components"]["schemas"]["CustomProperties"]
    assert custom["type"] == "object"
    assert custom["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


@pytest.mark.parametrize(
    ("schema_name", "field", "values"),
    [
        ("CustomEntity", "createdTime", [1649137628000, "Tue Apr 05 2022"]),
        ("KnowledgeBaseContent", "createdTime", [1679236689000, "Mar 19, 2026"]),
        ("Assignment", "assigneeId", ["66007905", 66007905]),
        ("DeflectionRequest", "accountId", [100099022, "100099022"]),
        ("TokenResponse", "expires_in", [2591999, "2591999"]),
    ],
)
def test_two_typed_fields_accept_both(
    validator_for: Callable[[dict[str, Any]], Draft202012Validator],
    schema_name: str,
    field: str,
    values: list[Any],
) -> None:
    validator = validator_for({"$ref": f"#/components/schemas/{schema_name}"})
    for value in values:
        errors = [
            error.message
            for error in validator.iter_errors({field: value})
            if list(error.path) == [field]
        ]
        assert errors == [], (schema_name, field, value)


def test_token_response_requires_both_tokens(
    validator_for: Callable[[dict[str, Any]], Draft202012Validator],
) -> None:
    validator = validator_for({"$ref": "#/components/schemas/TokenResponse"})
    assert not validator.is_valid({"access_token": "a", "expires_in": 10})
    assert validator.is_valid({"access_token": "a", "refresh_token": "r"})


def test_every_reference_resolves(spec: dict[str, Any]) -> None:
    for node in walk(spec):
        reference = node.get("$ref")
        if isinstance(reference, str):
            assert reference.startswith("#/"), reference
            resolve(spec, {"$ref": reference})


def test_every_schema_is_used(spec: dict[str, Any]) -> None:
    """Each component schema is referenced, except TokenResponse, which only
    the OAuth broker and the sandbox use."""
    referenced: set[str] = set()
    for node in [*walk(spec["paths"]), *walk(spec["components"])]:
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
            referenced.add(reference.rsplit("/", 1)[-1])

    unused = set(spec["components"]["schemas"]) - referenced
    assert unused == {"TokenResponse"}


def test_descriptions_name_tools_not_operation_ids(
    spec: dict[str, Any], operations: Operations
) -> None:
    """Models see tool names and Python callers see the same snake_case method
    names, so descriptions refer to siblings that way."""
    texts: list[str] = []
    for node in [*walk(spec["paths"]), *walk(spec["components"])]:
        if isinstance(node.get("description"), str):
            texts.append(node["description"])

    pattern = re.compile(r"\b(" + "|".join(sorted(operations)) + r")\b")
    for text in texts:
        assert not pattern.search(text), text


def schemas_reachable_from(
    spec: dict[str, Any], node: Any, found: set[str] | None = None
) -> set[str]:
    found = set() if found is None else found
    for child in walk(node):
        reference = child.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
            name = reference.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                schemas_reachable_from(spec, spec["components"]["schemas"][name], found)
    return found


def test_response_schemas_have_no_enums(
    spec: dict[str, Any], operations: Operations
) -> None:
    """Tenants extend statuses, channels and types, so a closed list in a
    response schema would reject real data."""
    reachable: set[str] = set()
    for _, _, operation in operations.values():
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                reachable |= schemas_reachable_from(spec, response)

    assert "Case" in reachable
    for name in sorted(reachable):
        schema = spec["components"]["schemas"][name]
        enums = [node for node in walk(schema) if "enum" in node]
        assert enums == [], name
