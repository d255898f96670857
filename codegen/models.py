"""Run datamodel-code-generator on the derived document and load the result.

Every generator option is set in ``generator_config``. Enums become ``Literal``
types rather than ``StrEnum`` classes, so callers pass plain strings and the
values go on the wire unchanged.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import sys
import tempfile
import types
import warnings
from collections.abc import Iterator
from typing import Any

from datamodel_code_generator import (
    GenerateConfig,
    InputFileType,
    LiteralType,
    OpenAPIScope,
    PythonVersion,
    generate,
)
from datamodel_code_generator.enums import DataModelType
from datamodel_code_generator.format import Formatter

from codegen.errors import CodegenError

__all__ = ["generate_models", "generator_config", "loaded_models"]

GENERATOR_VERSION = "0.97.0"


def generator_config(header: str) -> GenerateConfig:
    """Return the one set of datamodel-code-generator options the project uses."""
    return GenerateConfig(
        input_file_type=InputFileType.OpenAPI,
        openapi_scopes=[OpenAPIScope.Schemas],
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        use_annotated=True,
        field_constraints=True,
        snake_case_field=True,
        allow_population_by_field_name=True,
        collapse_root_models=True,
        use_schema_description=True,
        enum_field_as_literal=LiteralType.All,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        disable_timestamp=True,
        formatters=[Formatter.BUILTIN],
        custom_file_header=header,
    )


def generate_models(document: dict[str, Any], header: str) -> str:
    """Return the source of models.py for the derived OpenAPI document.

    The generator runs in an empty temporary directory because it reads
    formatter settings from a pyproject.toml in the working directory.
    """
    _check_generator_version()
    config = generator_config(header)

    with (
        tempfile.TemporaryDirectory(prefix="sprinklr-codegen-") as workdir,
        contextlib.chdir(workdir),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        try:
            source = generate(document, config=config)
        except Exception as error:
            raise CodegenError(f"datamodel-code-generator failed: {error}") from error

    if not isinstance(source, str):
        raise CodegenError(
            "datamodel-code-generator returned several modules, expected one"
        )
    return source if source.endswith("\n") else source + "\n"


def _check_generator_version() -> None:
    installed = importlib.metadata.version("datamodel-code-generator")
    if installed != GENERATOR_VERSION:
        raise CodegenError(
            f"datamodel-code-generator {installed} is installed but the output is "
            f"pinned to {GENERATOR_VERSION}; reinstall from requirements/lock.txt"
        )


_load_counter = 0


@contextlib.contextmanager
def loaded_models(source: str) -> Iterator[types.ModuleType]:
    """Import generated models source as a throwaway module, for inspection.

    The module sits in ``sys.modules`` only while the context is open, because
    pydantic resolves forward references through it.
    """
    global _load_counter
    _load_counter += 1
    name = f"_sprinklr_codegen_models_{_load_counter}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        code = compile(source, "models.py", "exec")
        exec(code, module.__dict__)  # noqa: S102 - our own generated code
        yield module
    finally:
        del sys.modules[name]
