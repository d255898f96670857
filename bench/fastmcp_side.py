"""FastMCP's OpenAPI server built from ``specs/sprinklr.yaml``; runs in the bench venv.

This file imports FastMCP, so it runs only under ``.tools/bench-venv/bin/python``
(``python -m bench --setup-venv`` creates it). It is a script, not part of the
``bench`` package's imports:

    .tools/bench-venv/bin/python bench/fastmcp_side.py --base-url URL [--http --port N]

Every call FastMCP makes goes to ``--base-url`` with the ``Authorization`` and
``Key`` headers taken from the ``BENCH_SPRINKLR_TOKEN`` and ``BENCH_SPRINKLR_KEY``
environment variables.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import httpx2
import yaml
from fastmcp import FastMCP

REPO_ROOT = Path(__file__).resolve().parent.parent


def build_server(spec_path: Path, base_url: str) -> FastMCP:
    spec = yaml.safe_load(spec_path.read_text())
    headers = {
        "Authorization": f"Bearer {os.environ.get('BENCH_SPRINKLR_TOKEN', 'none')}",
        "Key": os.environ.get("BENCH_SPRINKLR_KEY", "none"),
    }
    client = httpx2.AsyncClient(base_url=base_url, headers=headers, timeout=30)
    return FastMCP.from_openapi(spec, client=client, name="fastmcp-openapi")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--spec", type=Path, default=REPO_ROOT / "specs" / "sprinklr.yaml"
    )
    parser.add_argument(
        "--base-url", required=True, help="Sprinklr base URL on 127.0.0.1"
    )
    parser.add_argument("--http", action="store_true", help="serve Streamable HTTP")
    parser.add_argument("--port", type=int, default=0, help="HTTP port on 127.0.0.1")
    args = parser.parse_args()

    if not args.base_url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error(f"--base-url must be on 127.0.0.1, got {args.base_url!r}")

    server = build_server(args.spec, args.base_url)
    if args.http:
        server.run(
            "http",
            show_banner=False,
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
        )
    else:
        server.run("stdio", show_banner=False)


if __name__ == "__main__":
    main()
