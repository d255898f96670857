"""Flatten each tool's path, query and body fields into one arguments object.

The result feeds two consumers: the derived OpenAPI document that
datamodel-code-generator turns into ``<OperationId>Arguments`` models, and the
tool catalog's ``arguments`` table that maps each input back to the call.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from codegen.errors import CodegenError
from codegen.load import Operation, Spec, merged_object, resolve, subschemas
from codegen.naming import (
    ARGUMENT_NAME_PATTERN,
    arguments_class_name,
    python_name,
)

__all__ = [
    "FILE_SOURCE_SCHEMA",
    "MEDIA_SOURCE_NOTE",
    "Argument",
    "MultipartField",
    "arguments_schema",
    "derived_document",
    "multipart_fields",
    "tool_arguments",
]

Location = Literal["path", "query", "body", "file"]

FILE_SOURCE = "FileSource"
FILE_NAME = "fileName"
MEDIA_SOURCE_NOTE = "Give exactly one of filePath, fileUrl or fileBase64."

MEDIA_SOURCE_PROPERTIES: dict[str, dict[str, Any]] = {
    "filePath": {
        "type": "string",
        "minLength": 1,
        "description": (
            "Path of a local file to upload. The server accepts only paths under "
            "the directories its operator allowed."
        ),
    },
    "fileUrl": {
        "type": "string",
        "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
        "description": (
            "http or https URL of a file that the server downloads and uploads."
        ),
    },
    "fileBase64": {
        "type": "string",
        "minLength": 1,
        "description": "File content encoded in base64, for small files.",
    },
    FILE_NAME: {
        "type": "string",
        "minLength": 1,
        "description": (
            "File name sent with the upload. Defaults to the last part of filePath "
            "or fileUrl; required with fileBase64."
        ),
    },
}

FILE_SOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": (
        "One file to upload: exactly one of filePath, fileUrl or fileBase64, "
        "and optionally fileName."
    ),
    "properties": MEDIA_SOURCE_PROPERTIES,
}


@dataclass(frozen=True)
class Argument:
    """One tool input and where its value goes in the method call.

    ``schema`` is None for an input that another argument of the same name
    already declares (a ``fileName`` query parameter that also names the
    upload). ``python_name`` is the method parameter, or for a flattened body
    field the request model's attribute (filled in once the models exist).
    """

    name: str
    location: Location
    wire_name: str | None
    python_name: str
    schema: dict[str, Any] | None
    required: bool


@dataclass(frozen=True)
class MultipartField:
    """A file field of a multipart request body."""

    wire_name: str
    many: bool
    required: bool
    description: str | None


def multipart_fields(
    document: Mapping[str, Any], operation: Operation
) -> list[MultipartField]:
    """Return the file fields of a multipart body; other fields raise CodegenError."""
    assert operation.body is not None and operation.body.kind == "multipart"
    merged = merged_object(document, operation.body.schema)
    if merged is None or not merged[0]:
        raise CodegenError(
            f"{operation.where}: the multipart body needs object properties"
        )

    properties, required = merged
    fields: list[MultipartField] = []
    for name, raw in properties.items():
        schema = resolve(document, raw)
        many = schema.get("type") == "array"
        item = resolve(document, schema.get("items", {})) if many else schema
        if not _is_binary(item):
            raise CodegenError(
                f"{operation.where}: multipart field {name!r} is not a file "
                "(type: string, format: binary); only file fields are supported"
            )
        fields.append(
            MultipartField(
                wire_name=name,
                many=many,
                required=name in required and operation.body.required,
                description=raw.get("description") or schema.get("description"),
            )
        )
    return fields


def _is_binary(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "string" and (
        schema.get("format") == "binary" or "contentMediaType" in schema
    )


def tool_arguments(document: Mapping[str, Any], operation: Operation) -> list[Argument]:
    """Return the flattened arguments of an operation's tool, checked for collisions."""
    arguments: list[Argument] = []
    for parameter in operation.parameters:
        schema = copy.deepcopy(parameter.schema)
        if parameter.description:
            schema["description"] = parameter.description
        arguments.append(
            Argument(
                name=parameter.argument,
                location=parameter.location,
                wire_name=parameter.wire_name,
                python_name=python_name(parameter.argument),
                schema=schema,
                required=parameter.required or parameter.location == "path",
            )
        )

    if operation.body is not None and operation.body.kind == "json":
        arguments.extend(_json_body_arguments(document, operation))
    if operation.body is not None and operation.body.kind == "multipart":
        declared = {argument.name for argument in arguments}
        for field in multipart_fields(document, operation):
            arguments.extend(_file_arguments(field, declared))

    _check_arguments(operation, arguments)
    return arguments


def _json_body_arguments(
    document: Mapping[str, Any], operation: Operation
) -> list[Argument]:
    body = operation.body
    assert body is not None
    merged = merged_object(document, body.schema)

    if body.argument is not None or merged is None:
        if body.argument is None:
            raise CodegenError(
                f"{operation.where}: the JSON request body is not an object; name its "
                "tool argument with x-sprinklr-body-argument on the request body"
            )
        schema = copy.deepcopy(body.schema)
        if body.description:
            schema["description"] = body.description
        return [
            Argument(
                name=body.argument,
                location="body",
                wire_name=None,
                python_name="body",
                schema=schema,
                required=body.required,
            )
        ]

    properties, required = merged
    return [
        Argument(
            name=name,
            location="body",
            wire_name=name,
            python_name="",
            schema=copy.deepcopy(schema),
            required=body.required and name in required,
        )
        for name, schema in properties.items()
    ]


def _file_arguments(field: MultipartField, declared: set[str]) -> list[Argument]:
    """Return the media-source arguments that stand for one multipart file field."""
    python = python_name(field.wire_name)
    if field.many:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"$ref": f"#/components/schemas/{FILE_SOURCE}"},
            "description": field.description or "Files to upload.",
        }
        if field.required:
            schema["minItems"] = 1
        return [
            Argument(
                field.wire_name, "file", field.wire_name, python, schema, field.required
            )
        ]

    arguments = []
    for name, schema in MEDIA_SOURCE_PROPERTIES.items():
        shared = name == FILE_NAME and name in declared
        arguments.append(
            Argument(
                name=name,
                location="file",
                wire_name=field.wire_name,
                python_name=python,
                schema=None if shared else copy.deepcopy(schema),
                required=False,
            )
        )
    return arguments


def _check_arguments(operation: Operation, arguments: list[Argument]) -> None:
    seen: dict[str, Argument] = {}
    for argument in arguments:
        if not ARGUMENT_NAME_PATTERN.fullmatch(argument.name):
            raise CodegenError(
                f"{operation.where}: argument name {argument.name!r} does not match "
                f"{ARGUMENT_NAME_PATTERN.pattern}; set x-sprinklr-argument on the "
                "parameter"
            )
        earlier = seen.get(argument.name)
        if earlier is not None and argument.schema is not None:
            raise CodegenError(
                f"{operation.where}: the {argument.location} argument "
                f"{argument.name!r} collides with the {earlier.location} argument of "
                "the same name; rename one with x-sprinklr-argument"
            )
        seen.setdefault(argument.name, argument)

    method_parameters: dict[str, Argument] = {}
    for argument in arguments:
        if argument.location not in ("path", "query"):
            continue
        earlier = method_parameters.setdefault(argument.python_name, argument)
        if earlier is not argument:
            raise CodegenError(
                f"{operation.where}: arguments {earlier.name!r} and {argument.name!r} "
                f"both become the Python parameter {argument.python_name!r}"
            )


def arguments_schema(arguments: list[Argument]) -> dict[str, Any]:
    """Return the object schema of an ``<OperationId>Arguments`` model."""
    properties = {a.name: a.schema for a in arguments if a.schema is not None}
    required = [a.name for a in arguments if a.required and a.schema is not None]
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


def derived_document(
    spec: Spec,
    operations: list[Operation],
    arguments: Mapping[str, list[Argument]],
) -> dict[str, Any]:
    """Return the document for datamodel-code-generator: components plus arguments.

    Every object schema without ``additionalProperties`` gets ``true``, the JSON
    Schema default, so that the models keep unknown fields instead of dropping them.
    """
    components = spec.document.get("components", {})
    schemas: dict[str, Any] = copy.deepcopy(components.get("schemas", {}))
    for schema in schemas.values():
        _open_objects(schema)

    extra: dict[str, Any] = {}
    if any(
        _uses_file_source(argument)
        for group in arguments.values()
        for argument in group
    ):
        extra[FILE_SOURCE] = copy.deepcopy(FILE_SOURCE_SCHEMA)
    for operation in operations:
        if operation.operation_id in arguments:
            schema = arguments_schema(arguments[operation.operation_id])
            for child in schema["properties"].values():
                _open_objects(child)
            extra[arguments_class_name(operation)] = schema

    for name in extra:
        if name in schemas:
            raise CodegenError(
                f"the component schema {name} collides with a schema that codegen "
                "synthesizes; rename the component"
            )
    schemas.update(extra)

    return {
        "openapi": spec.document["openapi"],
        "info": spec.document["info"],
        "paths": {},
        "components": {"schemas": schemas},
    }


def _uses_file_source(argument: Argument) -> bool:
    return argument.location == "file" and argument.name not in MEDIA_SOURCE_PROPERTIES


def _open_objects(schema: Any) -> None:
    """Set ``additionalProperties: true`` on object schemas that leave it out."""
    if not isinstance(schema, dict):
        return
    is_object = schema.get("type") == "object" or "properties" in schema
    if is_object and "additionalProperties" not in schema and "$ref" not in schema:
        schema["additionalProperties"] = True
    for child in subschemas(schema):
        _open_objects(child)
