"""Async client, token broker and MCP server for the Sprinklr REST API.

The package root exports the client (``SprinklrClient``), the token broker
(``TokenBroker`` and the ``TokenProvider`` protocol it implements) and every
error class. Everything else lives in its submodule.
"""

from sprinklr_mcp.auth import (
    AuthError,
    LoginError,
    LoginRequiredError,
    RefreshRejectedError,
    StoreLockTimeoutError,
    TokenBroker,
    TokenEndpointError,
    TokenProvider,
    TokenStoreError,
)
from sprinklr_mcp.client import SprinklrClient
from sprinklr_mcp.config import ConfigError
from sprinklr_mcp.errors import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ClientStateError,
    ConflictError,
    DeveloperInactiveError,
    ErrorsInResponseError,
    EventLoopMismatchError,
    ForbiddenError,
    InvalidRequestError,
    InvalidResponseError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    SprinklrConnectionError,
    SprinklrError,
    WrongEnvironmentError,
)

__all__ = [
    "AuthError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientStateError",
    "ConfigError",
    "ConflictError",
    "DeveloperInactiveError",
    "ErrorsInResponseError",
    "EventLoopMismatchError",
    "ForbiddenError",
    "InvalidRequestError",
    "InvalidResponseError",
    "LoginError",
    "LoginRequiredError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitedError",
    "RefreshRejectedError",
    "RequestTimeoutError",
    "ServerError",
    "SprinklrClient",
    "SprinklrConnectionError",
    "SprinklrError",
    "StoreLockTimeoutError",
    "TokenBroker",
    "TokenEndpointError",
    "TokenProvider",
    "TokenStoreError",
    "WrongEnvironmentError",
]
