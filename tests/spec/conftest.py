"""Fixtures shared by the spec tests: the parsed spec and schema validators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "specs" / "sprinklr.yaml"

# The spec is registered under this URI so that its internal "#/components/..."
# references resolve against the spec document itself.
SPEC_URI = "urn:sprinklr-mcp:spec"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@pytest.fixture(scope="session")
def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Map each operationId to (HTTP method, path, operation object)."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"parameters", "summary", "description", "servers"}:
                continue
            found[operation["operationId"]] = (method, path, operation)
    return found


@pytest.fixture(scope="session")
def validator_for(
    spec: dict[str, Any],
) -> Callable[[dict[str, Any]], Draft202012Validator]:
    """Build Draft 2020-12 validators whose $refs resolve inside the spec."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)

    def build(schema: dict[str, Any]) -> Draft202012Validator:
        if "$ref" in schema and schema["$ref"].startswith("#/"):
            schema = {"$ref": SPEC_URI + schema["$ref"]}
        return Draft202012Validator(schema, registry=registry)

    return build
