"""Generate the fixture spec into a throwaway package and exercise the result."""

from __future__ import annotations

import datetime
import importlib
import json
import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest
from codegen_support import FIXTURE_SPEC, REPO_ROOT

from codegen.pipeline import build_files
from codegen.pytypes import Imports, annotation_source


@pytest.fixture(scope="module")
def fixture_files() -> dict[str, str]:
    return build_files(FIXTURE_SPEC)


@pytest.fixture(scope="module")
def fixture_package(
    fixture_files: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[types.ModuleType]:
    """Import the generated fixture package under a name of its own."""
    root = tmp_path_factory.mktemp("fixture_package")
    package = root / "fixture_generated"
    package.mkdir()
    for name, text in fixture_files.items():
        (package / name).write_text(text, encoding="utf-8")

    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("fixture_generated.operations")
    finally:
        sys.path.remove(str(root))
        for name in [
            name for name in sys.modules if name.startswith("fixture_generated")
        ]:
            del sys.modules[name]


@pytest.mark.parametrize(
    "name", ["__init__.py", "operations.py", "catalog.py", "protocol.py"]
)
def test_fixture_output_passes_ruff(fixture_files: dict[str, str], name: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--stdin-filename",
            f"generated/sprinklr_generated/{name}",
            "-",
        ],
        input=fixture_files[name],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout


def test_fixture_tool_less_operation(fixture_package: types.ModuleType) -> None:
    operations = fixture_package

    assert operations.OPERATIONS["searchCases"].tool is None
    assert "search_cases" not in operations.TOOL_BINDINGS
    assert hasattr(operations.SprinklrOperations, "search_cases")
    assert operations.OPERATIONS["listProfileCases"].composite == ("searchCases",)


def test_fixture_shared_file_name(fixture_files: dict[str, str]) -> None:
    entries = {
        entry["name"]: entry
        for entry in json.loads(fixture_files["catalog.json"])["tools"]
    }
    rows = [
        row for row in entries["upload_media"]["arguments"] if row["name"] == "fileName"
    ]

    assert [row["location"] for row in rows] == ["query", "file"]
    assert entries["upload_media"]["input_schema"]["required"] == [
        "assetType",
        "fileName",
    ]


async def test_fixture_bulk_upload_call(fixture_package: types.ModuleType) -> None:
    operations = fixture_package
    protocol = importlib.import_module("fixture_generated.protocol")
    models = importlib.import_module("fixture_generated.models")
    calls: list[dict[str, Any]] = []

    class Transport:
        async def call(self, operation: Any, **parts: Any) -> Any:
            calls.append({"operation": operation.operation_id, **parts})
            return parts["response"].model_validate({"data": [{"id": "m1"}]})

        async def call_no_content(self, operation: Any, **parts: Any) -> None:
            raise AssertionError("not expected")

    client = operations.SprinklrOperations(Transport())
    arguments = models.UploadMediaBulkArguments.model_validate(
        {"assetType": "IMAGE", "files": [{"fileUrl": "https://example.com/a.png"}]}
    )
    uploads = [protocol.FileUpload(filename="a.png", content=b"x")]

    media = await client.call_tool(
        "upload_media_bulk", arguments, files={"files": uploads}
    )

    assert [item.id for item in media] == ["m1"]
    assert calls[0]["query"] == {"assetType": "IMAGE"}
    assert calls[0]["files"] == {"files": uploads}


def test_fixture_file_source_forbids_unknown_keys(
    fixture_package: types.ModuleType,
) -> None:
    models = importlib.import_module("fixture_generated.models")

    with pytest.raises(ValueError, match="filepath"):
        models.FileSource.model_validate({"filepath": "/tmp/a.png"})


def test_annotation_source_imports_stdlib_types() -> None:
    imports = Imports()
    module = types.ModuleType("unrelated")

    text = annotation_source(list[datetime.datetime] | None, module, imports)

    assert text == "list[datetime] | None"
    assert imports.stdlib == {"datetime": {"datetime"}}
