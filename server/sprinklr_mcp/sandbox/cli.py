"""``sprinklr-mcp sandbox``: run the Sprinklr sandbox on its own until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import ipaddress
import logging
import signal
import sys
from urllib.parse import urlencode

from .config import (
    KNOWN_ENVIRONMENTS,
    FaultConfig,
    RateLimitConfig,
    SandboxConfig,
    SandboxConfigError,
)
from .server import SandboxServer

__all__ = ["register"]

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8780


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sandbox`` subcommand."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run the local Sprinklr sandbox (fake data, no account needed)",
        description=(
            "Run a local server that behaves like Sprinklr's REST API and OAuth "
            "endpoints, with a small seeded data set of invented customers. It "
            "prints the API key, secret, redirect URI and base URL to use, and "
            "runs until Ctrl-C. Nothing it serves comes from or goes to Sprinklr."
        ),
    )
    _add_server_options(parser)
    _add_limit_options(parser.add_argument_group("rate limits, per API key"))
    _add_fault_options(
        parser.add_argument_group("fault injection (all off by default)")
    )
    parser.set_defaults(func=run)


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port; 0 picks a free one (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--environment",
        default="prod2",
        help="environment the API key belongs to, such as prod0 or prod2; '' or "
        "'prod' for global production, which has no path segment (default: prod2)",
    )
    parser.add_argument(
        "--api-key",
        help="API key to register (default: a new random key on every start)",
    )
    parser.add_argument(
        "--api-secret",
        help="API secret to register (default: a new random secret on every start)",
    )
    parser.add_argument(
        "--redirect-uri",
        default=SandboxConfig.redirect_uri,
        help=f"OAuth callback URL of the app (default: {SandboxConfig.redirect_uri})",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve authorize requests at once instead of showing a consent page",
    )
    parser.add_argument(
        "--token-lifetime",
        type=int,
        default=SandboxConfig.token_lifetime,
        help="access token lifetime in seconds (default: "
        f"{SandboxConfig.token_lifetime}, about 30 days)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=SandboxConfig.seed,
        help="seed of the generated data; the same seed gives the same data "
        f"(default: {SandboxConfig.seed})",
    )


def _add_limit_options(limits: argparse._ArgumentGroup) -> None:
    limits.add_argument(
        "--rate-per-second",
        type=int,
        default=RateLimitConfig.per_second,
        help="calls allowed per second; 0 switches the limit off (default: 10)",
    )
    limits.add_argument(
        "--rate-per-hour",
        type=int,
        default=RateLimitConfig.per_hour,
        help="calls allowed per hour; 0 switches the limit off (default: 1000)",
    )
    limits.add_argument(
        "--rate-limit-status",
        type=int,
        choices=(403, 429),
        default=RateLimitConfig.status,
        help="respond to over-limit calls with 403 'Developer Over Rate' or with 429 "
        "and Retry-After (default: 403)",
    )


def _add_fault_options(faults: argparse._ArgumentGroup) -> None:
    faults.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds of delay added before every API response",
    )
    faults.add_argument(
        "--error-500-rate",
        type=float,
        default=0.0,
        help="fraction of API calls (0 to 1) that get 500 before taking effect",
    )
    faults.add_argument(
        "--error-503-rate",
        type=float,
        default=0.0,
        help="fraction of API calls (0 to 1) that get 503 before taking effect",
    )
    faults.add_argument(
        "--drop-rate",
        type=float,
        default=0.0,
        help="fraction of API calls (0 to 1) whose connection is closed after "
        "they took effect, with no answer",
    )
    faults.add_argument(
        "--truncate-rate",
        type=float,
        default=0.0,
        help="fraction of API calls (0 to 1) whose response is cut off halfway",
    )
    faults.add_argument(
        "--fault-seed",
        type=int,
        default=0,
        help="seed of the fault draws, so a run can be repeated (default: 0)",
    )
    faults.add_argument(
        "--faults-on-oauth",
        action="store_true",
        help="inject the faults into the OAuth endpoints too",
    )


def _config(args: argparse.Namespace) -> SandboxConfig:
    environment = args.environment.strip().lower()
    if environment == "prod":
        environment = ""
    environments = KNOWN_ENVIRONMENTS
    if environment not in environments:
        environments = (*environments, environment)
    return SandboxConfig(
        host=args.host,
        port=args.port,
        environment=environment,
        environments=environments,
        api_key=args.api_key,
        api_secret=args.api_secret,
        redirect_uri=args.redirect_uri,
        token_lifetime=args.token_lifetime,
        auto_approve=args.auto_approve,
        seed=args.seed,
        rate_limits=RateLimitConfig(
            per_second=args.rate_per_second or None,
            per_hour=args.rate_per_hour or None,
            status=args.rate_limit_status,
        ),
        faults=FaultConfig(
            latency=args.latency,
            error_500_rate=args.error_500_rate,
            error_503_rate=args.error_503_rate,
            drop_rate=args.drop_rate,
            truncate_rate=args.truncate_rate,
            seed=args.fault_seed,
            include_oauth=args.faults_on_oauth,
        ),
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _print_banner(sandbox: SandboxServer) -> None:
    authorize = f"{sandbox.environment_url}/oauth/authorize?" + urlencode(
        {
            "client_id": sandbox.api_key,
            "response_type": "code",
            "redirect_uri": sandbox.redirect_uri,
        }
    )
    lines = (
        "Sprinklr sandbox running: invented data, nothing is sent to Sprinklr.",
        f"  base URL:      {sandbox.url}",
        f"  environment:   {sandbox.environment or '(global production)'}",
        f"  API base:      {sandbox.environment_url}/api/v2",
        f"  API key:       {sandbox.api_key}",
        f"  API secret:    {sandbox.api_secret}",
        f"  redirect URI:  {sandbox.redirect_uri}",
        f"  authorize URL: {authorize}",
        "Press Ctrl-C to stop.",
    )
    print("\n".join(lines), flush=True)


async def _serve(config: SandboxConfig) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    async with SandboxServer(config) as sandbox:
        _print_banner(sandbox)
        await stop.wait()
    print("Sprinklr sandbox stopped.", flush=True)


def run(args: argparse.Namespace) -> int:
    """Run the sandbox until SIGINT or SIGTERM; return the exit code."""
    try:
        config = _config(args)
        config.validate()
    except SandboxConfigError as exc:
        print(f"sprinklr-mcp sandbox: {exc}", file=sys.stderr)
        return 2
    if not _is_loopback(config.host):
        logger.warning(
            "the sandbox listens on %s, so other machines can reach it and its "
            "printed credentials; use 127.0.0.1 unless you need that",
            config.host,
        )
    try:
        asyncio.run(_serve(config))
    except OSError as exc:
        logger.debug("the sandbox could not start", exc_info=exc)
        if exc.errno == errno.EADDRINUSE:
            reason = (
                f"port {config.port} is in use on {config.host}: stop the other "
                "server or pass --port"
            )
        else:
            reason = (
                f"cannot listen on {config.host}:{config.port}: "
                f"{exc.strerror or exc}; check --host or pass another --port"
            )
        print(f"sprinklr-mcp sandbox: {reason} (0 picks a free one)", file=sys.stderr)
        return 1
    return 0
