"""Command line: ``python -m codegen`` writes generated/, ``--check`` reports drift."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from codegen.errors import CodegenError
from codegen.load import REPO_ROOT
from codegen.pipeline import build_files
from codegen.write import diff_output, write_output

__all__ = ["main"]

logger = logging.getLogger("codegen")

DEFAULT_SPEC = REPO_ROOT / "specs" / "sprinklr.yaml"
DEFAULT_OUTPUT = REPO_ROOT / "generated" / "sprinklr_generated"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description=(
            "Generate the sprinklr_generated package (models, operations, tool "
            "catalog) from the OpenAPI spec."
        ),
        epilog=(
            "Exit status: 0 on success, 1 when --check finds a difference, 2 when "
            "the spec breaks a rule or a generation step fails."
        ),
    )
    parser.add_argument(
        "--spec",
        type=Path,
        default=DEFAULT_SPEC,
        help="OpenAPI 3.1 spec to read (default: specs/sprinklr.yaml)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=(
            "package folder to write or check "
            "(default: generated/sprinklr_generated in the repository)"
        ),
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help=(
            "write nothing; regenerate into a temporary folder, print a unified diff "
            "against --output and exit with status 1 when they differ"
        ),
    )
    parser.add_argument(
        "--verbose", action="store_true", help="log each step to stderr"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator; return the process exit status."""
    options = parse_arguments(argv)
    logging.basicConfig(
        level=logging.INFO if options.verbose else logging.WARNING,
        format="%(name)s: %(message)s",
        stream=sys.stderr,
    )

    try:
        files = build_files(options.spec)
    except CodegenError as error:
        print(f"codegen: error: {error}", file=sys.stderr)
        return 2

    if options.check:
        return _check(files, options.output)

    changed = write_output(files, options.output)
    print(f"codegen: {len(changed)} of {len(files)} files changed in {options.output}")
    return 0


def _check(files: dict[str, str], output: Path) -> int:
    """Write the fresh files to a temporary folder and diff them against ``output``."""
    with tempfile.TemporaryDirectory(prefix="sprinklr-codegen-check-") as scratch:
        fresh = Path(scratch) / output.name
        write_output(files, fresh)
        diff = diff_output(fresh, output)

    if diff:
        sys.stdout.write(diff)
        print(
            f"codegen: {output} differs from what the spec produces; "
            "run `make generate` and commit the result",
            file=sys.stderr,
        )
        return 1
    print(f"codegen: {output} matches the spec")
    return 0


if __name__ == "__main__":
    sys.exit(main())
