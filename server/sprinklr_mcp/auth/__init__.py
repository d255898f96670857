"""Sprinklr OAuth: the token broker, its durable stores and the browser login."""

from sprinklr_mcp.auth.broker import Clock, TokenBroker, TokenProvider
from sprinklr_mcp.auth.errors import (
    AuthError,
    LoginError,
    LoginRequiredError,
    RefreshRejectedError,
    StoreLockTimeoutError,
    TokenEndpointError,
    TokenStoreError,
    login_command,
)
from sprinklr_mcp.auth.login import exchange_code, login, login_unattended
from sprinklr_mcp.auth.stores import (
    FileTokenStore,
    RedisTokenStore,
    TokenStore,
    create_store,
)
from sprinklr_mcp.auth.tokens import StoredTokens

__all__ = [
    "AuthError",
    "Clock",
    "FileTokenStore",
    "LoginError",
    "LoginRequiredError",
    "RedisTokenStore",
    "RefreshRejectedError",
    "StoreLockTimeoutError",
    "StoredTokens",
    "TokenBroker",
    "TokenEndpointError",
    "TokenProvider",
    "TokenStore",
    "TokenStoreError",
    "create_store",
    "exchange_code",
    "login",
    "login_command",
    "login_unattended",
]
