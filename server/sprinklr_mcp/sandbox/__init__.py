"""The embedded Sprinklr sandbox: a local server that behaves like Sprinklr's API.

It imports nothing from the client, the token broker or the MCP server, so
that it behaves like a foreign server to all three.
"""

from .config import (
    FaultConfig,
    ManualClock,
    RateLimitConfig,
    SandboxConfig,
    SandboxConfigError,
)
from .faults import Fault
from .gateway import CallRecord
from .server import SandboxServer

__all__ = [
    "CallRecord",
    "Fault",
    "FaultConfig",
    "ManualClock",
    "RateLimitConfig",
    "SandboxConfig",
    "SandboxConfigError",
    "SandboxServer",
]
