"""Benchmarks of sprinklr-mcp against a bare aiohttp loop, a no-op MCP tool and FastMCP.

Run as ``python -m bench``; each run writes one JSON record under ``bench/results/``.
"""

__all__: list[str] = []
