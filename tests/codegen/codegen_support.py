"""Paths, helpers and the action table shared by the codegen tests."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from codegen.load import Operation, load_spec, read_operations

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT / "specs" / "sprinklr.yaml"
GENERATED_DIR = REPO_ROOT / "generated" / "sprinklr_generated"
FIXTURE_SPEC = Path(__file__).resolve().parent / "fixtures" / "mini.yaml"

_FIXTURE_DOCUMENT: dict[str, Any] = yaml.safe_load(FIXTURE_SPEC.read_text("utf-8"))


def run_codegen(
    *arguments: str | Path, cwd: Path, hash_seed: str = "0"
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m codegen`` in a fresh interpreter and capture its output."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "codegen", *map(str, arguments)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )


def write_spec(document: dict[str, Any], folder: Path) -> Path:
    """Write ``document`` as YAML into ``folder`` and return the file path."""
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def fixture_document() -> dict[str, Any]:
    """Return a fresh copy of the fixture spec, free to change in a test."""
    return copy.deepcopy(_FIXTURE_DOCUMENT)


# Action number of the supported-action list to operationId; 0 is getMe.
ACTIONS: dict[int, str] = {
    0: "getMe",
    1: "addComment",
    2: "getCaseMessageIds",
    3: "createCase",
    4: "createCaseViaProfile",
    5: "createProfile",
    6: "createCustomEntity",
    7: "deflectCall",
    8: "deleteCasesById",
    9: "deleteCasesByNumber",
    10: "getAfterCallWork",
    11: "getComments",
    12: "getDefaultCampaign",
    13: "getCaseNudges",
    14: "getProfileById",
    15: "getProfileByChannelUserId",
    16: "getProfileByUsername",
    17: "generateOta",
    18: "getKnowledgeBaseContent",
    19: "getMessageById",
    20: "listProfileCases",
    21: "publishMessage",
    22: "getCaseById",
    23: "getCaseByNumber",
    24: "getMessagesBulk",
    25: "smartAssistSearch",
    26: "triggerCustomerJourney",
    27: "updateCase",
    28: "updateProfile",
    29: "uploadMedia",
    30: "uploadMediaBulk",
}


@cache
def spec_operations() -> dict[str, Operation]:
    """Return the real spec's operations by operationId."""
    spec = load_spec(SPEC_PATH)
    return {operation.operation_id: operation for operation in read_operations(spec)}
