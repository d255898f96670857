"""Render operations.py: the operation table, the tool bindings and the client class."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from codegen.errors import CodegenError
from codegen.flatten import Argument, multipart_fields
from codegen.load import Operation, merged_object
from codegen.naming import arguments_class_name, method_name, python_name
from codegen.pytypes import Imports, annotation_source, schema_annotation

__all__ = ["model_class", "render_operations"]

RESERVED_PARAMETERS = {"self", "body", "timeout"}
CLASS_DOC = (
    '    """Async methods for every Sprinklr operation, sent through a transport."""'
)
BODY_DUMP = 'body.model_dump(mode="json", by_alias=True, exclude_unset=True)'

MODULE_DOC = (
    '"""Async Sprinklr operations: one method per operation, and tool bindings."""'
)

SUPPORT_CODE = '''
@dataclass(frozen=True, slots=True)
class ToolArgument:
    """One tool input and where its value goes in the method call.

    ``location`` is ``path``, ``query``, ``body`` (a field of the JSON body, or
    the whole body when ``python_name`` is ``body``) or ``file`` (a media source
    that the caller turns into ``FileUpload`` objects for ``python_name``).
    """

    name: str
    location: Literal["path", "query", "body", "file"]
    wire_name: str | None
    python_name: str


@dataclass(frozen=True, slots=True)
class ToolBinding:
    """The client method behind a tool and the mapping of its arguments."""

    tool: str
    operation_id: str
    method_name: str
    arguments_model: type[BaseModel]
    body_model: type[BaseModel] | None
    arguments: tuple[ToolArgument, ...]


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """Drop the optional values that the caller left out."""
    return {name: value for name, value in values.items() if value is not None}
'''

CALL_TOOL = '''
    async def call_tool(
        self,
        tool: str,
        arguments: BaseModel,
        *,
        files: Mapping[str, FileUpload | Sequence[FileUpload]] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Call the method behind ``tool`` with its validated arguments model.

        Only the fields set on ``arguments`` are sent, as JSON values. ``files``
        maps the ``python_name`` of each ``file`` argument to the uploads the
        caller built from the media-source inputs. Returns what the method
        returns.
        """
        binding = TOOL_BINDINGS[tool]
        if not isinstance(arguments, binding.arguments_model):
            raise TypeError(
                f"{tool} takes {binding.arguments_model.__name__}, "
                f"not {type(arguments).__name__}"
            )

        values = arguments.model_dump(mode="json", by_alias=True, exclude_unset=True)
        call: dict[str, Any] = dict(files or {})
        body: dict[str, Any] = {}
        for argument in binding.arguments:
            if argument.location == "file" or argument.name not in values:
                continue
            if argument.location == "body" and binding.body_model is not None:
                body[argument.wire_name or argument.name] = values[argument.name]
            else:
                call[argument.python_name] = values[argument.name]
        if binding.body_model is not None:
            call["body"] = binding.body_model.model_validate(body)

        method = getattr(self, binding.method_name)
        return await method(**call, timeout=timeout)
'''


@dataclass(frozen=True)
class _MethodParameter:
    python_name: str
    wire_name: str
    location: str
    annotation: str
    required: bool


def model_class(models: types.ModuleType, name: str, where: str) -> type[BaseModel]:
    """Return the generated class for a component schema, or raise CodegenError."""
    cls = getattr(models, name, None)
    if not isinstance(cls, type) or not issubclass(cls, BaseModel):
        raise CodegenError(
            f"{where}: the component schema {name} has no model class of that name; "
            "name components in PascalCase letters and digits"
        )
    return cls


def render_operations(
    document: Mapping[str, Any],
    operations: list[Operation],
    arguments: Mapping[str, list[Argument]],
    models: types.ModuleType,
) -> str:
    """Return the source of operations.py, before formatting."""
    imports = Imports()
    table = [_render_info(operation) for operation in operations]
    bindings = [
        _render_binding(operation, arguments[operation.operation_id], models, imports)
        for operation in operations
        if operation.tool is not None
    ]
    methods = [
        _render_method(document, operation, models, imports) for operation in operations
    ]

    stdlib = {
        "collections.abc": {"Mapping", "Sequence"},
        "dataclasses": {"dataclass"},
        "typing": imports.typing | {"Any", "Literal"},
    }
    for module, names in imports.stdlib.items():
        stdlib.setdefault(module, set()).update(names)

    lines = [MODULE_DOC, "", "from __future__ import annotations", ""]
    lines += [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(stdlib.items())
    ]
    lines += ["", "from pydantic import BaseModel", ""]
    if imports.models:
        lines.append(f"from .models import {', '.join(sorted(imports.models))}")
    lines += [
        "from .protocol import FileUpload, OperationInfo, Transport",
        "",
        '__all__ = ["OPERATIONS", "TOOL_BINDINGS", "SprinklrOperations", '
        '"ToolArgument", "ToolBinding"]',
        "",
        "OPERATIONS: dict[str, OperationInfo] = {",
        *table,
        "}",
        "",
        SUPPORT_CODE,
        "",
        "TOOL_BINDINGS: dict[str, ToolBinding] = {",
        *bindings,
        "}",
        "",
        "",
        "class SprinklrOperations:",
        CLASS_DOC,
        "",
        "    def __init__(self, transport: Transport) -> None:",
        "        self._transport = transport",
        CALL_TOOL,
        *methods,
    ]
    return "\n".join(lines) + "\n"


def _render_info(operation: Operation) -> str:
    body_kind = "none" if operation.body is None else operation.body.kind
    return (
        f"    {operation.operation_id!r}: OperationInfo("
        f"operation_id={operation.operation_id!r}, "
        f"method={operation.method!r}, "
        f"path={operation.path!r}, "
        f"safety={operation.safety!r}, "
        f"retry={operation.retry!r}, "
        f"source={operation.source!r}, "
        f"tool={operation.tool!r}, "
        f"body_kind={body_kind!r}, "
        f"no_content={operation.envelope is None!r}, "
        f"composite={operation.composite!r}),"
    )


def _render_binding(
    operation: Operation,
    arguments: list[Argument],
    models: types.ModuleType,
    imports: Imports,
) -> str:
    arguments_model = arguments_class_name(operation)
    model_class(models, arguments_model, operation.where)
    imports.models.add(arguments_model)

    body_model = "None"
    if any(a.location == "body" and a.python_name != "body" for a in arguments):
        assert operation.body is not None
        body_model = operation.body.schema["$ref"].rsplit("/", 1)[-1]
        imports.models.add(body_model)

    rows = "".join(
        f"ToolArgument({a.name!r}, {a.location!r}, {a.wire_name!r}, "
        f"{a.python_name!r}), "
        for a in arguments
    )
    return (
        f"    {operation.tool!r}: ToolBinding("
        f"tool={operation.tool!r}, "
        f"operation_id={operation.operation_id!r}, "
        f"method_name={method_name(operation)!r}, "
        f"arguments_model={arguments_model}, "
        f"body_model={body_model}, "
        f"arguments=({rows})),"
    )


def _method_parameters(
    document: Mapping[str, Any], operation: Operation, imports: Imports
) -> list[_MethodParameter]:
    parameters: list[_MethodParameter] = []
    for parameter in operation.parameters:
        parameters.append(
            _MethodParameter(
                python_name=python_name(parameter.argument),
                wire_name=parameter.wire_name,
                location=parameter.location,
                annotation=schema_annotation(document, parameter.schema, imports),
                required=parameter.required or parameter.location == "path",
            )
        )
    if operation.body is not None and operation.body.kind == "multipart":
        for field in multipart_fields(document, operation):
            annotation = "Sequence[FileUpload]" if field.many else "FileUpload"
            parameters.append(
                _MethodParameter(
                    python_name=python_name(field.wire_name),
                    wire_name=field.wire_name,
                    location="file",
                    annotation=annotation,
                    required=field.required,
                )
            )

    seen: set[str] = set()
    for method_parameter in parameters:
        name = method_parameter.python_name
        if name in RESERVED_PARAMETERS | seen:
            raise CodegenError(
                f"{operation.where}: the {method_parameter.location} parameter "
                f"{method_parameter.wire_name!r} becomes the Python name {name!r}, "
                "which is taken; set x-sprinklr-argument"
            )
        seen.add(name)
    return parameters


def _body_annotation(
    document: Mapping[str, Any],
    operation: Operation,
    models: types.ModuleType,
    imports: Imports,
) -> tuple[str, bool]:
    """Return the body parameter annotation and whether it is a model to dump."""
    assert operation.body is not None
    schema = operation.body.schema
    if merged_object(document, schema) is not None:
        name = schema["$ref"].rsplit("/", 1)[-1]
        model_class(models, name, operation.where)
        imports.models.add(name)
        return name, True
    return schema_annotation(document, schema, imports), False


def _render_method(
    document: Mapping[str, Any],
    operation: Operation,
    models: types.ModuleType,
    imports: Imports,
) -> str:
    parameters = _method_parameters(document, operation, imports)
    path = [p for p in parameters if p.location == "path"]
    keyword = [p for p in parameters if p.location != "path"]

    signature = ["self"]
    signature += [f"{p.python_name}: {p.annotation}" for p in path]
    signature.append("*")
    for parameter in keyword:
        if parameter.required:
            signature.append(f"{parameter.python_name}: {parameter.annotation}")
        else:
            signature.append(
                f"{parameter.python_name}: {parameter.annotation} | None = None"
            )

    body_value = "None"
    if operation.body is not None and operation.body.kind == "json":
        annotation, is_model = _body_annotation(document, operation, models, imports)
        dump = BODY_DUMP if is_model else "body"
        if operation.body.required:
            signature.append(f"body: {annotation}")
            body_value = dump
        else:
            signature.append(f"body: {annotation} | None = None")
            body_value = f"None if body is None else {dump}"
    signature.append("timeout: float | None = None")

    path_value = _mapping(path, optional=False)
    query = [p for p in keyword if p.location == "query"]
    query_value = _mapping(query, optional=any(not p.required for p in query))
    files = [p for p in keyword if p.location == "file"]
    files_value = (
        _mapping(files, optional=any(not p.required for p in files))
        if files
        else "None"
    )

    info = f"OPERATIONS[{operation.operation_id!r}]"
    if operation.envelope is None:
        if files:
            raise CodegenError(
                f"{operation.where}: a multipart operation needs a JSON response"
            )
        returns = "None"
        body = [
            f"        await self._transport.call_no_content({info}, path={path_value}, "
            f"query={query_value}, body={body_value}, timeout=timeout)",
        ]
    else:
        envelope = model_class(models, operation.envelope, operation.where)
        imports.models.add(operation.envelope)
        returns = annotation_source(
            envelope.model_fields["data"].annotation, models, imports
        )
        body = [
            f"        response = await self._transport.call({info}, path={path_value}, "
            f"query={query_value}, body={body_value}, files={files_value}, "
            f"response={operation.envelope}, timeout=timeout)",
            "        return response.data",
        ]

    return "\n".join(
        [
            "",
            f"    async def {method_name(operation)}({', '.join(signature)})"
            f" -> {returns}:",
            f"        {_docstring(operation)}",
            *body,
        ]
    )


def _mapping(parameters: list[_MethodParameter], *, optional: bool) -> str:
    items = ", ".join(f"{p.wire_name!r}: {p.python_name}" for p in parameters)
    return f"_present({{{items}}})" if optional else f"{{{items}}}"


def _docstring(operation: Operation) -> str:
    text = operation.summary or f"Send {operation.method} {operation.path}."
    if not text.endswith("."):
        text += "."
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{text}"""'
