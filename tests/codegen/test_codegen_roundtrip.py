"""Property tests: every model round-trips, and catalog schemas accept model dumps."""

from __future__ import annotations

from typing import Any, cast

import pytest
from codegen_support import spec_operations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import BaseModel, TypeAdapter
from schema_strategies import from_json_schema

from sprinklr_generated import catalog, models
from sprinklr_generated.operations import TOOL_BINDINGS

MODELS = sorted(
    (
        value
        for value in vars(models).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == models.__name__
    ),
    key=lambda cls: cls.__name__,
)
BOUNDED = settings(
    max_examples=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def instances(cls: type[BaseModel]) -> st.SearchStrategy[BaseModel]:
    """Build model instances from JSON that the model's own schema allows."""
    schema = cls.model_json_schema(by_alias=True)
    return from_json_schema(schema).map(cls.model_validate)


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_model_round_trips_by_alias(cls: type[BaseModel]) -> None:
    @BOUNDED
    @given(instances(cls))
    def check(instance: BaseModel) -> None:
        dumped = instance.model_dump(mode="json", by_alias=True)
        again = cls.model_validate(dumped)

        assert again == instance
        assert again.model_dump(mode="json", by_alias=True) == dumped

    check()


def envelope_for(tool: str) -> type[BaseModel] | None:
    """Return the response envelope model of a tool, or None for no content."""
    operation = spec_operations()[catalog.tool_entry(tool)["operation_id"]]
    if operation.envelope is None:
        return None
    envelope: type[BaseModel] = getattr(models, operation.envelope)
    return envelope


@pytest.mark.parametrize("tool", sorted(catalog.tool_entries()))
def test_output_schema_accepts_model_data(tool: str) -> None:
    envelope = envelope_for(tool)
    validator = Draft202012Validator(catalog.tool_entry(tool)["output_schema"])
    if envelope is None:
        assert validator.is_valid({"data": None})
        assert not validator.is_valid({"data": {}})
        return

    @BOUNDED
    @given(instances(envelope))
    def check(response: BaseModel) -> None:
        data = TypeAdapter(Any).dump_python(
            cast(Any, response).data, mode="json", by_alias=True, exclude_unset=True
        )
        errors = [
            f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(
                {"data": catalog.drop_null_members(data)}
            )
        ]
        assert errors == []

    check()


@pytest.mark.parametrize("tool", sorted(catalog.tool_entries()))
def test_input_schema_accepts_arguments_model(tool: str) -> None:
    """Input schemas take what the arguments model takes, with nulls left out.

    The models also accept null for an optional field; the input schemas do not,
    so a client omits an argument instead of sending null.
    """
    model = TOOL_BINDINGS[tool].arguments_model
    validator = Draft202012Validator(catalog.tool_entry(tool)["input_schema"])

    @BOUNDED
    @given(instances(model))
    def check(arguments: BaseModel) -> None:
        dumped = arguments.model_dump(mode="json", by_alias=True, exclude_none=True)
        errors = [
            f"{list(error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(dumped)
        ]
        assert errors == []

    check()
