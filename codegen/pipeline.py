"""Run the generation steps in order and return the files of sprinklr_generated."""

from __future__ import annotations

import dataclasses
import logging
import re
import types
from pathlib import Path

from codegen.errors import CodegenError
from codegen.flatten import Argument, derived_document, tool_arguments
from codegen.load import Operation, load_spec, read_operations
from codegen.models import generate_models, loaded_models
from codegen.naming import check_operation_names
from codegen.render_catalog import catalog_entry, render_catalog
from codegen.render_operations import model_class, render_operations
from codegen.write import format_python, python_banner

__all__ = ["build_files"]

logger = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
PACKAGE_DOC = '"""Generated Sprinklr models, operations and tool catalog."""\n'


def build_files(spec_path: Path) -> dict[str, str]:
    """Return every file of the generated package by name; nothing is written."""
    spec = load_spec(spec_path)
    document = spec.document
    operations = read_operations(spec)
    check_operation_names(operations)
    arguments = {
        operation.operation_id: tool_arguments(document, operation)
        for operation in operations
        if operation.tool is not None
    }
    logger.info(
        "read %d operations, %d with a tool, from %s",
        len(operations),
        len(arguments),
        spec.label,
    )

    banner = python_banner(spec)
    derived = derived_document(spec, operations, arguments)
    models_source = generate_models(derived, banner)
    models_source = postprocess_models(models_source)

    with loaded_models(models_source) as models:
        arguments = {
            operation_id: _fill_body_names(operation, group, models)
            for operation_id, group in arguments.items()
            for operation in operations
            if operation.operation_id == operation_id
        }
        operations_source = render_operations(document, operations, arguments, models)
    entries = [
        catalog_entry(derived, operation, arguments[operation.operation_id])
        for operation in operations
        if operation.tool is not None
    ]

    python_files = {
        "__init__.py": banner + PACKAGE_DOC,
        "models.py": models_source,
        "protocol.py": banner + (TEMPLATES / "protocol.py").read_text(encoding="utf-8"),
        "operations.py": banner + operations_source,
        "catalog.py": banner + (TEMPLATES / "catalog.py").read_text(encoding="utf-8"),
    }
    files = {
        name: format_python(source, f"generated/sprinklr_generated/{name}")
        for name, source in python_files.items()
    }
    files["catalog.json"] = render_catalog(spec, entries)
    files["py.typed"] = ""
    return files


def _fill_body_names(
    operation: Operation, arguments: list[Argument], models: types.ModuleType
) -> list[Argument]:
    """Set ``python_name`` of flattened body fields to the request model's attribute."""
    if operation.body is None or "$ref" not in operation.body.schema:
        return arguments
    flattened = [a for a in arguments if a.location == "body" and a.python_name == ""]
    if not flattened:
        return arguments

    name = operation.body.schema["$ref"].rsplit("/", 1)[-1]
    fields = model_class(models, name, operation.where).model_fields
    by_alias = {
        info.alias or attribute: attribute for attribute, info in fields.items()
    }
    return [
        dataclasses.replace(a, python_name=by_alias[a.name]) if a in flattened else a
        for a in arguments
    ]


# Each post-processing step: (why, pattern, replacement, expected substitutions).
# A count that differs means the generator changed and the step needs a look.
POSTPROCESS_STEPS: list[tuple[str, str, str, int]] = []


def postprocess_models(source: str) -> str:
    """Apply POSTPROCESS_STEPS to models.py, checking each step's substitution count."""
    for reason, pattern, replacement, expected in POSTPROCESS_STEPS:
        source, count = re.subn(pattern, replacement, source, flags=re.MULTILINE)
        if count != expected:
            raise CodegenError(
                f"post-processing step '{reason}' made {count} substitutions, "
                f"expected {expected}; check the datamodel-code-generator output"
            )
    return source
