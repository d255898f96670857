"""Async client, token broker and MCP server for the Sprinklr REST API."""
