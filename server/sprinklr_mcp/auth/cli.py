"""``sprinklr-mcp auth login|status|logout``: manage the stored Sprinklr tokens.

These commands print for people on stdout (they never run beside the stdio
MCP server) and never print a token, key or secret.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from typing import Any

from sprinklr_mcp.auth.broker import TokenBroker
from sprinklr_mcp.auth.errors import AuthError, login_command
from sprinklr_mcp.auth.login import DEFAULT_LOGIN_TIMEOUT, login
from sprinklr_mcp.auth.stores import create_store
from sprinklr_mcp.auth.tokens import StoredTokens
from sprinklr_mcp.client import SprinklrClient
from sprinklr_mcp.config import (
    ConfigError,
    ConnectionSettings,
    config_file_path,
    list_connections,
    load_connection,
)
from sprinklr_mcp.errors import SprinklrError

__all__ = ["fetch_me", "format_duration", "register"]

logger = logging.getLogger(__name__)

# Exit status for a connection that is not configured or has invalid settings.
EXIT_USAGE = 2

_NAME_HELP = "connection name from the config file (default: the active connection)"


def register(subparsers: Any) -> None:
    """Add the ``auth`` command and its actions to the top-level parser."""
    parser = subparsers.add_parser(
        "auth",
        help="log in to Sprinklr, show or delete the stored tokens",
        description="Log in to Sprinklr and manage the stored token pairs.",
    )
    actions = parser.add_subparsers(dest="auth_action", metavar="ACTION", required=True)

    login_parser = actions.add_parser(
        "login",
        help="log in through a browser and store the token pair",
        description=(
            "Open Sprinklr's authorize page, receive the redirect on the "
            "redirect URI's port on 127.0.0.1, and store the token pair."
        ),
    )
    login_parser.add_argument("name", nargs="?", help=_NAME_HELP)
    login_parser.add_argument(
        "--no-browser",
        action="store_true",
        help=(
            "print the authorize URL and read the redirect URL pasted on stdin "
            "instead of listening for it (for remote machines)"
        ),
    )
    login_parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_LOGIN_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the redirect (default: {DEFAULT_LOGIN_TIMEOUT:g})",
    )
    login_parser.set_defaults(func=run_login)

    status_parser = actions.add_parser(
        "status",
        help="show each connection's environment, token age and expiry, and /me",
        description=(
            "Show each configured connection (or one): its environment, the age "
            "and expiry of the stored token, and the result of GET /api/v2/me, "
            "which refreshes the token when it is due."
        ),
    )
    status_parser.add_argument("name", nargs="?", help=_NAME_HELP)
    status_parser.add_argument(
        "--offline",
        action="store_true",
        help="only read the store; do not call GET /api/v2/me",
    )
    status_parser.set_defaults(func=run_status)

    logout_parser = actions.add_parser(
        "logout",
        help="delete the stored token pair",
        description=(
            "Delete the stored token pair of a connection. Sprinklr has no "
            "documented revocation endpoint, so the pair stays valid at "
            "Sprinklr until it expires or a new login replaces it."
        ),
    )
    logout_parser.add_argument("name", nargs="?", help=_NAME_HELP)
    logout_parser.add_argument(
        "--all", action="store_true", help="delete the tokens of every connection"
    )
    logout_parser.set_defaults(func=run_logout)


def format_duration(seconds: float) -> str:
    """Format a duration as ``3d 4h``, ``2h 05m``, ``4m 10s`` or ``12s``."""
    whole = int(abs(seconds))
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def _utc(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(moment))


def _describe_tokens(tokens: StoredTokens, now: float) -> list[str]:
    lines = [
        f"  token: obtained {format_duration(now - tokens.obtained_at)} ago "
        f"({_utc(tokens.obtained_at)}), generation {tokens.generation}"
    ]
    remaining = tokens.expires_at - now
    if remaining > 0:
        lines.append(
            f"  expiry: in {format_duration(remaining)} ({_utc(tokens.expires_at)})"
        )
    else:
        lines.append(
            f"  expiry: expired {format_duration(remaining)} ago "
            f"({_utc(tokens.expires_at)}); the next call refreshes it"
        )
    if tokens.refresh_token is None:
        lines.append("  refresh token: none stored; a login is needed after expiry")
    if tokens.refresh_rejected_at is not None:
        lines.append(
            f"  refresh token: rejected by Sprinklr at "
            f"{_utc(tokens.refresh_rejected_at)}"
        )
    return lines


async def fetch_me(settings: ConnectionSettings, broker: TokenBroker) -> str:
    """Call ``GET /api/v2/me`` through the client and describe the user.

    The client retries once with a refreshed token after a 401. Raises the
    client's and the broker's errors.
    """
    async with SprinklrClient(settings, token_provider=broker) as client:
        user = await client.get_me()
    parts = [
        f"{label} {value}"
        for label, value in (
            ("name", user.name),
            ("type", user.type),
            ("id", user.id),
            ("workspace", user.workspace_id),
        )
        if value is not None
    ]
    return "OK" + (f" ({', '.join(parts)})" if parts else "")


async def _show_connection(name: str, *, active: bool, offline: bool) -> bool:
    print(f"{name}{' (active)' if active else ''}")
    try:
        settings = load_connection(name)
    except ConfigError as exc:
        print(f"  configuration error: {exc}")
        return False

    print(f"  environment: {settings.environment_label} ({settings.api_base_url})")
    async with TokenBroker(settings) as broker:
        print(f"  token store: {broker.store.description}")
        try:
            tokens = await broker.store.load(name)
        except SprinklrError as exc:
            print(f"  token store error: {exc}")
            return False
        if tokens is None:
            print(f"  token: none stored; run `{login_command(name)}`")
            return False
        for line in _describe_tokens(tokens, time.time()):
            print(line)
        if offline:
            return tokens.refresh_rejected_at is None
        try:
            me = await fetch_me(settings, broker)
        except SprinklrError as exc:
            print(f"  me: failed: {exc}")
            return False
        print(f"  me: {me}")
        return True


async def _status(name: str | None, offline: bool) -> int:
    names = [name] if name else list_connections()
    if not names:
        print(
            f"No connections are configured. Add one to {config_file_path()} or "
            "set SPRINKLR_API_KEY, SPRINKLR_API_SECRET and SPRINKLR_REDIRECT_URI."
        )
        return 1
    active = list_connections()[:1]
    healthy = True
    for index, connection in enumerate(names):
        if index:
            print()
        ok = await _show_connection(
            connection, active=connection in active, offline=offline
        )
        healthy = healthy and ok
    return 0 if healthy else 1


def run_status(args: argparse.Namespace) -> int:
    """Print the status of one or all connections; exit 1 if any is unusable."""
    try:
        return asyncio.run(_status(args.name, args.offline))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _login(args: argparse.Namespace) -> int:
    settings = load_connection(args.name)
    store = create_store(settings)
    try:
        tokens = await login(
            settings, store, paste=args.no_browser, callback_timeout=args.timeout
        )
    finally:
        await store.aclose()
    print(
        f"Logged in: connection {settings.name!r}, environment "
        f"{settings.environment_label}; the access token expires in "
        f"{format_duration(tokens.lifetime)} ({_utc(tokens.expires_at)}) and is "
        "refreshed automatically."
    )
    return 0


def run_login(args: argparse.Namespace) -> int:
    """Log one connection in through the browser."""
    try:
        return asyncio.run(_login(args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("login cancelled", file=sys.stderr)
        return 130


async def _logout(name: str | None, everything: bool) -> int:
    configured = list_connections()
    if everything:
        names = configured
    elif name:
        names = [name]
    else:
        names = configured[:1]
    if not names:
        print("error: no connections are configured", file=sys.stderr)
        return 1
    for connection in names:
        settings = load_connection(connection)
        store = create_store(settings)
        try:
            deleted = await store.delete(connection)
        finally:
            await store.aclose()
        if deleted:
            print(f"Deleted the stored tokens of connection {connection!r}.")
        else:
            print(f"Connection {connection!r} had no stored tokens.")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    """Delete the stored tokens of one or all connections."""
    try:
        return asyncio.run(_logout(args.name, args.all))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
