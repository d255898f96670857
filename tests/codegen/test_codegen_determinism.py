"""Generation is byte-for-byte repeatable and --check catches drift."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from codegen_support import GENERATED_DIR, REPO_ROOT, SPEC_PATH, run_codegen


def read_folder(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_output_ignores_cwd_and_hash_seed(tmp_path: Path) -> None:
    spec = tmp_path / "sprinklr.yaml"
    shutil.copyfile(SPEC_PATH, spec)
    first_cwd = tmp_path / "first"
    second_cwd = tmp_path / "second"
    first_cwd.mkdir()
    second_cwd.mkdir()
    (second_cwd / "pyproject.toml").write_text(
        "[tool.black]\nline-length = 40\n[tool.ruff]\nline-length = 40\n",
        encoding="utf-8",
    )

    first = run_codegen(
        "--spec", spec, "--output", tmp_path / "a", cwd=first_cwd, hash_seed="1"
    )
    second = run_codegen(
        "--spec", spec, "--output", tmp_path / "b", cwd=second_cwd, hash_seed="2024"
    )

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    first_files = read_folder(tmp_path / "a")
    assert set(first_files) == {
        "__init__.py",
        "catalog.json",
        "catalog.py",
        "models.py",
        "operations.py",
        "protocol.py",
        "py.typed",
    }
    assert first_files == read_folder(tmp_path / "b")


def test_check_passes_on_committed_output(tmp_path: Path) -> None:
    result = run_codegen("--check", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("matches the spec")


def test_check_reports_drift_after_spec_change(tmp_path: Path) -> None:
    spec = tmp_path / "sprinklr.yaml"
    shutil.copyfile(SPEC_PATH, spec)
    output = tmp_path / "sprinklr_generated"
    written = run_codegen("--spec", spec, "--output", output, cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    clean = run_codegen("--check", "--spec", spec, "--output", output, cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    before = read_folder(output)

    text = spec.read_text(encoding="utf-8")
    marker = "summary: Get the user the access token belongs to"
    assert marker in text
    spec.write_text(text.replace(marker, "summary: Get the signed-in user"), "utf-8")
    drifted = run_codegen("--check", "--spec", spec, "--output", output, cwd=tmp_path)

    assert drifted.returncode == 1
    assert '-        """Get the user the access token belongs to."""' in drifted.stdout
    assert '+        """Get the signed-in user."""' in drifted.stdout
    assert "+# sha256: " in drifted.stdout
    assert "differs from what the spec produces" in drifted.stderr
    assert read_folder(output) == before


def test_check_reports_stray_file(tmp_path: Path) -> None:
    output = tmp_path / "sprinklr_generated"
    shutil.copytree(GENERATED_DIR, output, ignore=shutil.ignore_patterns("__pycache__"))
    (output / "extra.py").write_text("x = 1\n", encoding="utf-8")

    result = run_codegen("--check", "--output", output, cwd=REPO_ROOT)

    assert result.returncode == 1
    assert "extra.py" in result.stdout
    assert "-x = 1" in result.stdout


def test_generated_code_passes_ruff() -> None:
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(GENERATED_DIR)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_invalid_spec_exits_with_message(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [not, a, mapping]\npaths: {}\n", "utf-8")

    result = run_codegen("--spec", spec, "--output", tmp_path / "out", cwd=tmp_path)

    assert result.returncode == 2
    assert "codegen: error: the spec" in result.stderr
    assert "not valid OpenAPI 3.1" in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_lists_every_option(tmp_path: Path) -> None:
    result = run_codegen("--help", cwd=tmp_path)

    assert result.returncode == 0
    for option in ("--spec", "--output", "--check", "--verbose"):
        assert option in result.stdout
