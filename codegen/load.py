"""Load and validate the spec, then read its operations into plain records."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import yaml
from jsonschema_path import SchemaPath
from openapi_spec_validator import OpenAPIV31SpecValidator

from codegen.errors import CodegenError

__all__ = [
    "REPO_ROOT",
    "Operation",
    "Parameter",
    "RequestBody",
    "Spec",
    "load_spec",
    "merged_object",
    "read_operations",
    "resolve",
    "subschemas",
]

REPO_ROOT = Path(__file__).resolve().parents[1]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SAFETY_CLASSES = ("read", "write", "destructive", "outbound")
X_SPRINKLR_KEYS = {"source", "safety", "retry", "tool", "composite"}
OPERATION_ID_PATTERN = re.compile(r"^[a-z][A-Za-z0-9]*$")
SCHEMA_REF_PREFIX = "#/components/schemas/"

Safety = Literal["read", "write", "destructive", "outbound"]
ParameterLocation = Literal["path", "query"]
BodyKind = Literal["json", "multipart"]


class _SpecLoader(yaml.SafeLoader):
    """A YAML loader that keeps timestamps as strings, as JSON Schema treats them."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Spec:
    """The parsed spec, its sha256 and the path the banners name."""

    document: dict[str, Any]
    sha256: str
    label: str


@dataclass(frozen=True)
class Parameter:
    """A path or query parameter; ``argument`` is its tool argument name."""

    wire_name: str
    location: ParameterLocation
    required: bool
    schema: dict[str, Any]
    description: str | None
    argument: str


@dataclass(frozen=True)
class RequestBody:
    """The request body of one operation, as written in the spec."""

    kind: BodyKind
    schema: dict[str, Any]
    required: bool
    description: str | None
    argument: str | None


@dataclass(frozen=True)
class Operation:
    """One spec operation with its ``x-sprinklr`` facts."""

    operation_id: str
    method: str
    path: str
    summary: str | None
    description: str | None
    source: str
    safety: Safety
    retry: bool
    tool: str | None
    composite: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    body: RequestBody | None
    envelope: str | None

    @property
    def where(self) -> str:
        """Name the operation in error messages."""
        return f"operation {self.operation_id} ({self.method} {self.path})"


def load_spec(path: Path) -> Spec:
    """Read and validate the OpenAPI 3.1 spec at ``path``."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CodegenError(f"cannot read the spec {path}: {error.strerror}") from error

    try:
        document = yaml.load(raw, Loader=_SpecLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        raise CodegenError(f"the spec {path} is not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise CodegenError(f"the spec {path} is not a YAML mapping")

    if str(document.get("openapi", "")).split(".")[:2] != ["3", "1"]:
        raise CodegenError(
            f"the spec {path} declares openapi {document.get('openapi')!r}; "
            "write it as OpenAPI 3.1 (openapi: 3.1.0)"
        )
    validator = OpenAPIV31SpecValidator(SchemaPath.from_dict(copy.deepcopy(document)))
    problems = [_describe_validation_error(error) for error in validator.iter_errors()]
    if problems:
        listed = "\n  ".join(problems[:20])
        raise CodegenError(f"the spec {path} is not valid OpenAPI 3.1:\n  {listed}")

    return Spec(
        document=document, sha256=hashlib.sha256(raw).hexdigest(), label=_label(path)
    )


def _describe_validation_error(error: Exception) -> str:
    location = "/".join(str(part) for part in getattr(error, "absolute_path", ()))
    message = getattr(error, "message", str(error))
    return f"{location or '(root)'}: {message}"


def _label(path: Path) -> str:
    """Return the spec path relative to the repository, or its file name outside it."""
    resolved = path.resolve()
    if resolved.is_relative_to(REPO_ROOT):
        return resolved.relative_to(REPO_ROOT).as_posix()
    return resolved.name


def resolve(document: Mapping[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains of ``node``; sibling keywords are dropped."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        reference = node["$ref"]
        if not isinstance(reference, str) or not reference.startswith("#/"):
            raise CodegenError(
                f"only local references are supported, found {reference!r}"
            )
        if reference in seen:
            raise CodegenError(f"the reference {reference} refers to itself")
        seen.add(reference)
        target: Any = document
        for part in reference[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise CodegenError(f"the reference {reference} points at nothing")
            target = target[part]
        node = target
    return node


SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)


def subschemas(schema: Mapping[str, Any]) -> Iterator[Any]:
    """Yield the direct subschemas of a JSON Schema object."""
    for keyword in SCHEMA_MAP_KEYWORDS:
        yield from schema.get(keyword, {}).values()
    for keyword in SCHEMA_LIST_KEYWORDS:
        yield from schema.get(keyword, ())
    for keyword in SCHEMA_KEYWORDS:
        if isinstance(schema.get(keyword), Mapping):
            yield schema[keyword]


def merged_object(
    document: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]] | None:
    """Return the properties and required names of an object schema, or None.

    ``allOf`` parts are merged in order. A schema that declares neither ``type:
    object`` nor ``properties`` is not an object for this purpose.
    """
    resolved = resolve(document, schema)
    if not isinstance(resolved, Mapping):
        return None

    properties: dict[str, Any] = {}
    required: list[str] = []
    is_object = resolved.get("type") == "object" or "properties" in resolved
    for part in resolved.get("allOf", ()):
        merged = merged_object(document, part)
        if merged is not None:
            is_object = True
            properties.update(merged[0])
            required.extend(name for name in merged[1] if name not in required)
    if not is_object:
        return None

    properties.update(resolved.get("properties", {}))
    required.extend(
        name for name in resolved.get("required", ()) if name not in required
    )
    return properties, required


def read_operations(spec: Spec) -> list[Operation]:
    """Read every operation of the spec, sorted by operationId."""
    document = spec.document
    operations: list[Operation] = []
    for path, path_item in document.get("paths", {}).items():
        shared = path_item.get("parameters", [])
        for method in HTTP_METHODS:
            if method in path_item:
                operations.append(
                    _read_operation(document, path, method, path_item[method], shared)
                )
    return sorted(operations, key=lambda operation: operation.operation_id)


def _read_operation(
    document: dict[str, Any],
    path: str,
    method: str,
    item: dict[str, Any],
    shared_parameters: list[Any],
) -> Operation:
    where = f"operation {method.upper()} {path}"
    operation_id = item.get("operationId")
    if not isinstance(operation_id, str):
        raise CodegenError(f"{where} has no operationId; add one in lowerCamelCase")
    if not OPERATION_ID_PATTERN.fullmatch(operation_id):
        raise CodegenError(
            f"{where}: operationId {operation_id!r} is not lowerCamelCase "
            "(letters and digits, starting with a lower-case letter)"
        )
    where = f"operation {operation_id} ({method.upper()} {path})"

    extension = item.get("x-sprinklr")
    if not isinstance(extension, dict):
        raise CodegenError(
            f"{where} has no x-sprinklr mapping with source, safety and retry"
        )
    source, safety, retry, tool, composite = _read_extension(where, extension)

    return Operation(
        operation_id=operation_id,
        method=method.upper(),
        path=path,
        summary=_text(item.get("summary")),
        description=_text(item.get("description")),
        source=source,
        safety=safety,
        retry=retry,
        tool=tool,
        composite=composite,
        parameters=_read_parameters(document, where, path, shared_parameters, item),
        body=_read_body(document, where, item.get("requestBody")),
        envelope=_read_envelope(document, where, item.get("responses", {})),
    )


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _read_extension(
    where: str, extension: dict[str, Any]
) -> tuple[str, Safety, bool, str | None, tuple[str, ...]]:
    unknown = sorted(set(extension) - X_SPRINKLR_KEYS)
    if unknown:
        raise CodegenError(
            f"{where}: x-sprinklr has unknown keys {unknown}; "
            f"allowed are {sorted(X_SPRINKLR_KEYS)}"
        )

    source = extension.get("source")
    if not isinstance(source, str) or not source:
        raise CodegenError(
            f"{where}: x-sprinklr.source is missing; give the dev.sprinklr.com "
            "page slug or 'inferred'"
        )
    safety = extension.get("safety")
    if safety not in SAFETY_CLASSES:
        raise CodegenError(
            f"{where}: x-sprinklr.safety is {safety!r}; "
            f"use one of {list(SAFETY_CLASSES)}"
        )
    retry = extension.get("retry")
    if not isinstance(retry, bool):
        raise CodegenError(f"{where}: x-sprinklr.retry is {retry!r}; use true or false")

    tool = extension.get("tool")
    if tool is not None and not isinstance(tool, str):
        raise CodegenError(f"{where}: x-sprinklr.tool is {tool!r}; use a string")
    composite = extension.get("composite", [])
    if not isinstance(composite, list) or not all(
        isinstance(x, str) for x in composite
    ):
        raise CodegenError(
            f"{where}: x-sprinklr.composite must be a list of operationIds"
        )

    return source, cast(Safety, safety), retry, tool, tuple(composite)


def _read_parameters(
    document: dict[str, Any],
    where: str,
    path: str,
    shared: list[Any],
    item: dict[str, Any],
) -> tuple[Parameter, ...]:
    """Read path and query parameters: path ones in template order, then the rest."""
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*shared, *item.get("parameters", [])]:
        parameter = resolve(document, raw)
        by_key[(parameter["name"], parameter["in"])] = parameter

    parameters: list[Parameter] = []
    for (name, location), parameter in by_key.items():
        if location not in ("path", "query"):
            raise CodegenError(
                f"{where}: parameter {name!r} is in {location}; the generated client "
                "sends only path and query parameters (credentials come from the "
                "transport)"
            )
        if "schema" not in parameter:
            raise CodegenError(f"{where}: parameter {name!r} needs a schema")
        argument = parameter.get("x-sprinklr-argument", name)
        if not isinstance(argument, str):
            raise CodegenError(
                f"{where}: x-sprinklr-argument of {name!r} must be a string"
            )
        parameters.append(
            Parameter(
                wire_name=name,
                location=cast(ParameterLocation, location),
                required=bool(parameter.get("required", False)),
                schema=parameter["schema"],
                description=_text(parameter.get("description")),
                argument=argument,
            )
        )

    template_order = re.findall(r"{([^}]+)}", path)
    for parameter in parameters:
        if parameter.location == "path" and parameter.wire_name not in template_order:
            raise CodegenError(
                f"{where}: path parameter {parameter.wire_name!r} is not in the path"
            )
    parameters.sort(
        key=lambda p: (
            p.location != "path",
            template_order.index(p.wire_name) if p.location == "path" else 0,
        )
    )
    return tuple(parameters)


def _read_body(document: dict[str, Any], where: str, raw: Any) -> RequestBody | None:
    if raw is None:
        return None
    body = resolve(document, raw)
    content = body.get("content", {})
    argument = body.get("x-sprinklr-body-argument", raw.get("x-sprinklr-body-argument"))
    if argument is not None and not isinstance(argument, str):
        raise CodegenError(f"{where}: x-sprinklr-body-argument must be a string")

    if set(content) == {"application/json"}:
        kind: BodyKind = "json"
    elif set(content) == {"multipart/form-data"}:
        kind = "multipart"
    else:
        raise CodegenError(
            f"{where}: the request body has media types {sorted(content)}; "
            "use exactly one of application/json or multipart/form-data"
        )
    schema = content[next(iter(content))].get("schema")
    if not isinstance(schema, dict):
        raise CodegenError(f"{where}: the request body needs a schema")
    if kind == "json" and "$ref" not in schema:
        raise CodegenError(
            f"{where}: the JSON request body schema must be a $ref to a "
            "components/schemas entry, so that it has a model class"
        )

    return RequestBody(
        kind=kind,
        schema=schema,
        required=bool(body.get("required", False)),
        description=_text(body.get("description")),
        argument=argument,
    )


def _read_envelope(
    document: dict[str, Any], where: str, responses: dict[Any, Any]
) -> str | None:
    """Return the component name of the success envelope, or None for no content."""
    by_code = {str(code): response for code, response in responses.items()}
    successes = sorted(code for code in by_code if code.startswith("2"))
    if len(successes) != 1:
        raise CodegenError(
            f"{where} has success responses {successes}; "
            "declare exactly one 2XX response"
        )
    response = resolve(document, by_code[successes[0]])
    content = response.get("content")
    if not content:
        return None

    media = content.get("application/json")
    schema = media.get("schema") if isinstance(media, dict) else None
    reference = schema.get("$ref") if isinstance(schema, dict) else None
    if (
        not isinstance(schema, dict)
        or not isinstance(reference, str)
        or not reference.startswith(SCHEMA_REF_PREFIX)
    ):
        raise CodegenError(
            f"{where}: the {successes[0]} response must be application/json with a "
            "$ref to the operation's envelope in components/schemas"
        )
    name = reference.removeprefix(SCHEMA_REF_PREFIX)

    envelope = merged_object(document, schema)
    if envelope is None or "data" not in envelope[0]:
        raise CodegenError(f"{where}: the envelope {name} has no data property")
    return name
