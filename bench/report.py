"""Render the recorded runs as Markdown for ``docs/benchmarks.md``.

``python -m bench --update-docs`` rewrites only the part of the page between
the two marker comments, newest run first, so every older run stays listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.machine import REPO_ROOT
from bench.record import load_records

__all__ = ["DOCS_PAGE", "render_history", "update_docs"]

DOCS_PAGE = REPO_ROOT / "docs" / "benchmarks.md"
START = "<!-- bench:runs:start -->"
END = "<!-- bench:runs:end -->"


def _median(summary: dict[str, Any] | None, unit: str = "") -> str:
    if not summary:
        return "n/a"
    return f"{summary['median']:g}{unit} ({summary['min']:g} to {summary['max']:g})"


def _figures(name: str, result: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield the headline (figure, value) pairs of one benchmark's result."""
    figures = result.get("figures", {})
    if name == "client":
        for key, value in figures.items():
            yield f"{key}: bare aiohttp, us/request", _median(value["bare_aiohttp_us"])
            yield (
                f"{key}: generated client, us/request",
                _median(value["generated_client_us"]),
            )
    elif name == "toolcall":
        for transport, value in figures.items():
            for contender, summary in value.get("per_call_us", {}).items():
                yield f"{transport}: {contender}, us/call", _median(summary)
    elif name == "toollist":
        for contender, value in figures.items():
            yield f"{contender}: tools", str(value["tools"])
            yield (
                f"{contender}: bytes (per tool)",
                (f"{value['bytes_total']} ({value['bytes_per_tool_mean']:g})"),
            )
            if "same_operations" in value:
                same = value["same_operations"]
                yield (
                    f"{contender}: bytes of the {same['tools']} operations that"
                    " sprinklr-mcp serves",
                    str(same["bytes_total"]),
                )
            if "tokens_cl100k_total" in value:
                yield f"{contender}: cl100k tokens", str(value["tokens_cl100k_total"])
            yield (
                f"{contender}: parameters without description",
                (f"{value['parameters_without_description']} of {value['parameters']}"),
            )
    elif name == "coldstart":
        for contender, summary in figures.get("seconds", {}).items():
            yield f"{contender}: seconds to tools/list", _median(summary)
    elif name == "imports":
        for subject, value in figures.items():
            if value.get("status") == "ok":
                yield f"import {subject}, ms", _median(value["import_ms"])
            else:
                yield f"import {subject}", f"failed: {value.get('reason')}"
    elif name == "memory":
        rss = result.get("rss_mib_by_calls", {})
        for calls in sorted(rss, key=int)[1:2] + sorted(rss, key=int)[-1:]:
            yield f"RSS after {int(calls):,} calls, MiB", f"{rss[calls]:g}"
        yield "RSS growth between them, MiB", f"{result.get('growth_mib')}"
    elif name == "refresh":
        for scenario, value in figures.items():
            yield f"{scenario}: token requests", str(value.get("token_requests"))
            yield f"{scenario}: failed calls", str(value.get("failed_calls"))
    elif name == "sprinklrclient":
        yield "installed version", str(result.get("installed_version"))
        yield (
            "request URLs with a hard-coded host",
            str(result.get("hard_coded_host_urls")),
        )


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "missed", None: "n/a"}[met]


def render_run(record: dict[str, Any]) -> str:
    machine = record["machine"]
    git = record.get("git", {})
    commit = (git.get("commit") or "unknown")[:10] + (
        " (dirty)" if git.get("dirty") else ""
    )
    lines = [
        f"### {record['started_at']} ({'quick' if record['quick'] else 'full'})",
        "",
        f"- Command: `{record['command']}`",
        f"- Record: `bench/results/{record['_file']}`; commit {commit}",
        f"- Machine: {machine['nproc']} cores, {machine['cpu_model']},"
        f" {machine['memory_mib']} MiB, Python {machine['python']},"
        f" load average at start {machine.get('load_average_at_start')}",
        "",
        "| benchmark | figure | median (min to max) or value |",
        "|---|---|---|",
    ]
    targets: list[dict[str, Any]] = []
    for name, result in record["benchmarks"].items():
        status = result.get("status")
        if status not in {"ok", "partial"}:
            lines.append(f"| {name} | {status} | {result.get('reason', '')} |")
            continue
        for figure, value in _figures(name, result):
            lines.append(f"| {name} | {figure} | {value} |")
        for note in result.get("notes", []):
            lines.append(f"| {name} | not measured | {note} |")
        targets.extend({"benchmark": name, **t} for t in result.get("targets", []))

    if targets:
        lines += [
            "",
            "| benchmark | target | limit | measured | verdict |",
            "|---|---|---|---|---|",
        ]
        for t in targets:
            lines.append(
                f"| {t['benchmark']} | {t['target']} | {t['limit']} |"
                f" {t['value']} | {_verdict(t['met'])} |"
            )
    return "\n".join(lines) + "\n"


def render_history(records: list[dict[str, Any]]) -> str:
    if not records:
        return "No run recorded yet.\n"
    return "\n".join(render_run(record) for record in reversed(records))


def update_docs(page: Path = DOCS_PAGE) -> None:
    """Replace the runs section of ``page`` with every record, newest first."""
    text = page.read_text()
    if START not in text or END not in text:
        raise ValueError(f"{page} lacks the markers {START} and {END}")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    body = render_history(load_records())
    page.write_text(f"{head}{START}\n\n{body}\n{END}{tail}")
