"""Named Sprinklr connections: where their settings come from and how they are checked.

Settings of one connection come from, in order of precedence:

1. explicit arguments to :func:`load_connection`;
2. ``SPRINKLR_*`` environment variables, which describe the *active* connection
   only (the one named by ``SPRINKLR_CONNECTION``, else the config file's
   ``default``, else ``default``);
3. the TOML config file: ``[connections.NAME]`` tables over a ``[defaults]``
   table. Its path is ``SPRINKLR_CONFIG`` or ``config.toml`` in the platform's
   user config directory.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import SecretStr

from sprinklr_mcp.errors import SprinklrError

__all__ = [
    "DEFAULT_CONNECTION_NAME",
    "DEFAULT_HOST",
    "KNOWN_ENVIRONMENTS",
    "ConfigError",
    "ConnectionSettings",
    "TokenStoreKind",
    "config_file_path",
    "default_data_dir",
    "is_connection_configured",
    "is_loopback_host",
    "list_connections",
    "load_connection",
]

logger = logging.getLogger(__name__)

APP_NAME: Final = "sprinklr-mcp"
DEFAULT_CONNECTION_NAME: Final = "default"
DEFAULT_HOST: Final = "api3.sprinklr.com"

# Environment path segments that Sprinklr documents. "" and "prod" are the
# global production environment, whose URLs have no segment.
KNOWN_ENVIRONMENTS: Final = (
    "",
    "prod",
    "prod0",
    "prod2",
    "prod3",
    "prod4",
    "prod5",
    "prod8",
    "prod12",
    "prod15",
)
_SPRINKLR_ENVIRONMENT = re.compile(r"^(prod\d*)?$")
# Any other segment (such as "sandbox") is accepted only with a base_url,
# because it can only name a server that is not Sprinklr's.
_CUSTOM_ENVIRONMENT = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_CONNECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_OPERATION_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_LOOPBACK_NAMES = frozenset({"localhost"})

TokenStoreKind = Literal["file", "redis"]


class ConfigError(SprinklrError, ValueError):
    """A connection setting is missing or invalid; nothing was sent.

    ``setting`` is the TOML key and ``env_var`` the matching environment
    variable; the message names both and the connection.
    """

    code = "config_error"
    summary = "the Sprinklr connection settings are invalid"

    def __init__(
        self,
        detail: str | None = None,
        *,
        setting: str | None = None,
        connection: str | None = None,
        **context: Any,
    ) -> None:
        self.setting = setting
        self.env_var = _SETTINGS[setting].env_var if setting in _SETTINGS else None
        self.connection = connection
        super().__init__(detail, **context)


class _UnknownConnectionError(ConfigError):
    """A connection name that neither the file nor the environment defines."""

    summary = "the Sprinklr connection is not configured"


@dataclass(frozen=True, slots=True)
class _Setting:
    env_var: str
    kind: Literal["str", "float", "int", "secret", "path", "mapping"]
    description: str


# One row per setting: the TOML key, its environment variable, how to parse it
# from text, and the words used in error messages.
_SETTINGS: Final[dict[str, _Setting]] = {
    "environment": _Setting("SPRINKLR_ENVIRONMENT", "str", "environment"),
    "host": _Setting("SPRINKLR_HOST", "str", "API host"),
    "base_url": _Setting("SPRINKLR_BASE_URL", "str", "base URL"),
    "api_key": _Setting("SPRINKLR_API_KEY", "str", "API key"),
    "api_secret": _Setting("SPRINKLR_API_SECRET", "secret", "API secret"),
    "api_secret_file": _Setting("SPRINKLR_API_SECRET_FILE", "path", "API secret file"),
    "redirect_uri": _Setting("SPRINKLR_REDIRECT_URI", "str", "redirect URI"),
    "token_store": _Setting("SPRINKLR_TOKEN_STORE", "str", "token store"),
    "redis_url": _Setting("SPRINKLR_REDIS_URL", "secret", "Redis URL"),
    "redis_key_prefix": _Setting("SPRINKLR_REDIS_KEY_PREFIX", "str", "Redis prefix"),
    "data_dir": _Setting("SPRINKLR_DATA_DIR", "path", "data directory"),
    "path_overrides": _Setting("SPRINKLR_PATH_OVERRIDES", "mapping", "path overrides"),
    "rate_limit_per_second": _Setting(
        "SPRINKLR_RATE_LIMIT_PER_SECOND", "float", "calls per second"
    ),
    "rate_limit_per_hour": _Setting(
        "SPRINKLR_RATE_LIMIT_PER_HOUR", "int", "calls per hour"
    ),
    "connect_timeout": _Setting("SPRINKLR_CONNECT_TIMEOUT", "float", "connect timeout"),
    "read_timeout": _Setting("SPRINKLR_READ_TIMEOUT", "float", "read timeout"),
    "total_timeout": _Setting("SPRINKLR_TOTAL_TIMEOUT", "float", "total timeout"),
    "upload_timeout": _Setting("SPRINKLR_UPLOAD_TIMEOUT", "float", "upload timeout"),
    "refresh_leeway": _Setting("SPRINKLR_REFRESH_LEEWAY", "float", "refresh leeway"),
    "default_token_lifetime": _Setting(
        "SPRINKLR_DEFAULT_TOKEN_LIFETIME", "float", "default token lifetime"
    ),
    "lock_timeout": _Setting("SPRINKLR_LOCK_TIMEOUT", "float", "store lock timeout"),
}

_CONFIG_ENV_VAR: Final = "SPRINKLR_CONFIG"
_CONNECTION_ENV_VAR: Final = "SPRINKLR_CONNECTION"


def config_file_path() -> Path:
    """Return the config file's path: ``SPRINKLR_CONFIG`` or the platform default."""
    override = os.environ.get(_CONFIG_ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    """Return the platform's user data directory for this program."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def _how_to_set(setting: str, connection: str) -> str:
    env_var = _SETTINGS[setting].env_var
    return (
        f"set {env_var} or {setting} in [connections.{connection}] "
        f"of {config_file_path()}"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConnectionSettings:
    """One named Sprinklr connection, checked on construction.

    Timeouts, leeway and lifetimes are in seconds. ``api_secret`` and
    ``redis_url`` (which may carry a password) are ``SecretStr`` and stay out of
    ``repr``. The ``repr`` shows only the last four characters of the API key.
    Construction raises :class:`ConfigError` naming the first invalid setting.
    """

    name: str = DEFAULT_CONNECTION_NAME
    environment: str = ""
    host: str = DEFAULT_HOST
    base_url: str | None = None
    api_key: str
    api_secret: SecretStr
    redirect_uri: str
    token_store: TokenStoreKind = "file"  # noqa: S105 - a store kind, not a secret
    redis_url: SecretStr = field(
        default_factory=lambda: SecretStr("redis://127.0.0.1:6379/0")
    )
    redis_key_prefix: str = "sprinklr-mcp:"
    data_dir: Path = field(default_factory=default_data_dir)
    path_overrides: Mapping[str, str] = field(default_factory=dict)
    rate_limit_per_second: float = 10.0
    rate_limit_per_hour: int = 1000
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    total_timeout: float = 120.0
    upload_timeout: float = 600.0
    refresh_leeway: float = 300.0
    default_token_lifetime: float = 3600.0
    lock_timeout: float = 30.0

    def __post_init__(self) -> None:
        _check_settings(self)
        # Freeze the overrides so that a shared settings object cannot drift.
        object.__setattr__(
            self, "path_overrides", MappingProxyType(dict(self.path_overrides))
        )

    def __repr__(self) -> str:
        key_hint = f"...{self.api_key[-4:]}" if len(self.api_key) > 8 else "***"
        return (
            f"ConnectionSettings(name={self.name!r}, "
            f"environment={self.environment!r}, origin={self.origin!r}, "
            f"api_key={key_hint!r}, token_store={self.token_store!r})"
        )

    __str__ = __repr__

    @property
    def origin(self) -> str:
        """Scheme and host (and any path prefix) that URLs start with."""
        if self.base_url is not None:
            return self.base_url.rstrip("/")
        return f"https://{self.host}"

    @property
    def environment_segment(self) -> str:
        """The URL path segment for the environment; empty for global production."""
        return "" if self.environment in ("", "prod") else self.environment

    @property
    def api_base_url(self) -> str:
        """``{origin}/{env}`` without ``/api/v2``; no segment for production."""
        segment = self.environment_segment
        return f"{self.origin}/{segment}" if segment else self.origin

    @property
    def oauth_authorize_url(self) -> str:
        """The browser authorization endpoint of this environment."""
        return f"{self.api_base_url}/oauth/authorize"

    @property
    def oauth_token_url(self) -> str:
        """The token endpoint of this environment."""
        return f"{self.api_base_url}/oauth/token"

    @property
    def environment_label(self) -> str:
        """The environment as people write it; production shows as ``prod``."""
        return self.environment_segment or "prod"


def _check_settings(settings: ConnectionSettings) -> None:
    name = settings.name
    if not _CONNECTION_NAME.match(name):
        raise ConfigError(
            f"invalid connection name {name!r}: use 1 to 64 letters, digits, "
            "'_', '.' or '-', starting with a letter or digit",
            connection=name,
        )

    _check_environment(settings)
    _check_origin(settings)

    if not settings.api_key or any(c.isspace() for c in settings.api_key):
        raise ConfigError(
            f"connection {name!r}: the API key is missing or contains spaces; "
            + _how_to_set("api_key", name),
            setting="api_key",
            connection=name,
        )
    secret = settings.api_secret.get_secret_value()
    if not secret or any(c.isspace() for c in secret):
        raise ConfigError(
            f"connection {name!r}: the API secret is missing or contains spaces; "
            f"{_how_to_set('api_secret', name)}, or point "
            "SPRINKLR_API_SECRET_FILE or api_secret_file at a file holding it",
            setting="api_secret",
            connection=name,
        )

    _check_redirect_uri(settings.redirect_uri, name)

    if settings.token_store not in ("file", "redis"):
        raise ConfigError(
            f"connection {name!r}: unknown token store {settings.token_store!r}; "
            f"use 'file' or 'redis' ({_how_to_set('token_store', name)})",
            setting="token_store",
            connection=name,
        )
    if settings.token_store == "redis":  # noqa: S105 - a store kind
        redis_url = settings.redis_url.get_secret_value()
        if urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
            raise ConfigError(
                f"connection {name!r}: the Redis URL must start with redis://, "
                f"rediss:// or unix://; {_how_to_set('redis_url', name)}",
                setting="redis_url",
                connection=name,
            )

    for operation_id, path in settings.path_overrides.items():
        if not _OPERATION_ID.match(operation_id) or not path.startswith("/"):
            raise ConfigError(
                f"connection {name!r}: invalid path override {operation_id!r} = "
                f"{path!r}; keys are operationIds and values are paths starting "
                f"with '/' ({_how_to_set('path_overrides', name)})",
                setting="path_overrides",
                connection=name,
            )

    _check_numbers(settings)


def _check_environment(settings: ConnectionSettings) -> None:
    name = settings.name
    environment = settings.environment
    if _SPRINKLR_ENVIRONMENT.match(environment):
        if environment not in KNOWN_ENVIRONMENTS:
            # Sprinklr adds environments over time, so an unlisted prodN is
            # allowed; a typo here shows up as 421 or "Developer Inactive".
            logger.warning(
                "connection %r: environment %r is not one Sprinklr documents "
                "(%s); using it anyway",
                name,
                environment,
                ", ".join(e for e in KNOWN_ENVIRONMENTS if e),
            )
        return
    if settings.base_url is not None and _CUSTOM_ENVIRONMENT.match(environment):
        return
    raise ConfigError(
        f"connection {name!r}: unknown environment {environment!r}; use one of "
        f"{', '.join(e for e in KNOWN_ENVIRONMENTS if e)} in lower case, or leave "
        "it empty for global production (app.sprinklr.com); "
        + _how_to_set("environment", name),
        setting="environment",
        connection=name,
    )


def _check_origin(settings: ConnectionSettings) -> None:
    name = settings.name
    if settings.base_url is None:
        if not _HOSTNAME.match(settings.host):
            raise ConfigError(
                f"connection {name!r}: invalid API host {settings.host!r}; give a "
                "host name such as api3.sprinklr.com without a scheme, or set "
                f"base_url to replace scheme and host; {_how_to_set('host', name)}",
                setting="host",
                connection=name,
            )
        return

    parts = urlsplit(settings.base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"connection {name!r}: invalid base URL {settings.base_url!r}; give "
            "scheme and host such as http://127.0.0.1:8765; "
            + _how_to_set("base_url", name),
            setting="base_url",
            connection=name,
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"connection {name!r}: the base URL may not carry a query, fragment "
            f"or user name; {_how_to_set('base_url', name)}",
            setting="base_url",
            connection=name,
        )


def _check_redirect_uri(redirect_uri: str, name: str) -> None:
    parts = urlsplit(redirect_uri)
    problem = None
    if not redirect_uri:
        problem = "the redirect URI is missing"
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        problem = f"invalid redirect URI {redirect_uri!r}: it needs http(s) and a host"
    elif parts.fragment:
        problem = f"invalid redirect URI {redirect_uri!r}: it may not have a fragment"
    else:
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            problem = f"invalid redirect URI {redirect_uri!r}: bad port"
    if problem is not None:
        raise ConfigError(
            f"connection {name!r}: {problem}; it must equal the app's Callback "
            f"URL in Sprinklr exactly; {_how_to_set('redirect_uri', name)}",
            setting="redirect_uri",
            connection=name,
        )


def _check_numbers(settings: ConnectionSettings) -> None:
    positive = (
        "rate_limit_per_second",
        "rate_limit_per_hour",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "upload_timeout",
        "default_token_lifetime",
        "lock_timeout",
    )
    for setting in positive:
        value = getattr(settings, setting)
        if not value > 0:
            raise ConfigError(
                f"connection {settings.name!r}: {setting} must be greater than 0, "
                f"got {value}; {_how_to_set(setting, settings.name)}",
                setting=setting,
                connection=settings.name,
            )
    if not settings.refresh_leeway >= 0:
        raise ConfigError(
            f"connection {settings.name!r}: refresh_leeway must be 0 or more "
            f"seconds, got {settings.refresh_leeway}; "
            + _how_to_set("refresh_leeway", settings.name),
            setting="refresh_leeway",
            connection=settings.name,
        )


def is_loopback_host(host: str | None) -> bool:
    """Tell whether ``host`` names this machine (127.0.0.0/8, ::1 or localhost)."""
    if host is None:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- loading -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ConfigFile:
    path: Path
    default: str | None
    defaults: Mapping[str, Any]
    connections: Mapping[str, Mapping[str, Any]]


def _read_config_file() -> _ConfigFile:
    path = config_file_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _ConfigFile(path, None, {}, {})
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in config file {path}: {exc}") from exc

    default = document.get("default")
    if default is not None and not isinstance(default, str):
        raise ConfigError(
            f"config file {path}: 'default' must be a connection name in quotes"
        )
    defaults = document.get("defaults", {})
    connections = document.get("connections", {})
    if not isinstance(defaults, dict):
        raise ConfigError(f"config file {path}: [defaults] must be a table")
    if not isinstance(connections, dict) or not all(
        isinstance(table, dict) for table in connections.values()
    ):
        raise ConfigError(
            f"config file {path}: connections must be tables such as [connections.main]"
        )
    unknown = sorted(set(document) - {"default", "defaults", "connections"})
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown top-level keys {unknown}; expected "
            "default, [defaults] and [connections.NAME]"
        )
    return _ConfigFile(path, default, defaults, connections)


def _active_name(config: _ConfigFile) -> str:
    return (
        os.environ.get(_CONNECTION_ENV_VAR)
        or config.default
        or (next(iter(config.connections)) if len(config.connections) == 1 else None)
        or DEFAULT_CONNECTION_NAME
    )


def list_connections() -> list[str]:
    """Return the names of all configured connections, the active one first.

    A connection configured only by ``SPRINKLR_*`` variables is listed under
    the active name. Raises :class:`ConfigError` for an unreadable config file.
    """
    config = _read_config_file()
    names = list(config.connections)
    active = _active_name(config)
    if os.environ.get("SPRINKLR_API_KEY") and active not in names:
        names.append(active)
    if active in names:
        names.remove(active)
        names.insert(0, active)
    return names


def is_connection_configured() -> bool:
    """Tell whether any connection to a real Sprinklr is configured.

    True when the config file has a connection or ``SPRINKLR_API_KEY`` is set.
    An unreadable config file counts as configured, so that the caller's next
    :func:`load_connection` reports the problem instead of silently falling
    back to the sandbox.
    """
    try:
        return bool(list_connections())
    except ConfigError:
        return True


def load_connection(name: str | None = None, **overrides: Any) -> ConnectionSettings:
    """Load and check one connection; ``None`` picks the active connection.

    ``overrides`` are :class:`ConnectionSettings` field names plus
    ``api_secret_file``; a ``None`` value counts as not given. Raises
    :class:`ConfigError` naming the setting and how to set it, and
    ``TypeError`` for an unknown override name.
    """
    unknown = sorted(set(overrides) - set(_SETTINGS))
    if unknown:
        raise TypeError(f"load_connection() got unknown settings {unknown}")

    config = _read_config_file()
    active = _active_name(config)
    connection = name or active
    # A name that the file does not define is still valid when the
    # environment or the explicit arguments supply the connection.
    defined = (
        name is None
        or name in config.connections
        or (name == active and bool(os.environ.get("SPRINKLR_API_KEY")))
        or overrides.get("api_key") is not None
    )
    if not defined:
        known = list_connections()
        configured = ", ".join(known) if known else "none"
        raise _UnknownConnectionError(
            f"connection {name!r}: {config.path} has no [connections.{name}] "
            f"table (configured "
            f"connections: {configured}); add that table with environment, "
            "api_key, api_secret_file and redirect_uri",
            connection=name,
        )

    values: dict[str, Any] = {}
    values.update(_from_toml(config, connection))
    if connection == active:
        values.update(_from_environment(connection))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _build(connection, values, config.path)


def _from_toml(config: _ConfigFile, connection: str) -> dict[str, Any]:
    merged: dict[str, Any] = dict(config.defaults)
    merged.update(config.connections.get(connection, {}))
    unknown = sorted(set(merged) - set(_SETTINGS))
    if unknown:
        raise ConfigError(
            f"config file {config.path}: unknown settings {unknown} for connection "
            f"{connection!r}; known settings: {', '.join(sorted(_SETTINGS))}",
            connection=connection,
        )
    return merged


def _from_environment(connection: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, setting in _SETTINGS.items():
        text = os.environ.get(setting.env_var)
        if text is None or text == "":
            continue
        if setting.kind == "mapping":
            try:
                parsed = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    f"{setting.env_var} must be a JSON object mapping operationIds "
                    f'to paths, such as {{"getCaseById": "/api/v2/case/{{id}}"}}',
                    setting=key,
                    connection=connection,
                ) from exc
            values[key] = parsed
        else:
            values[key] = text
    return values


def _build(
    connection: str, values: dict[str, Any], config_path: Path
) -> ConnectionSettings:
    # A secret given directly wins over a secret file from the same or a
    # lower source, so api_secret_file applies only when api_secret is unset.
    secret_file = values.pop("api_secret_file", None)
    if values.get("api_secret") is None and secret_file is not None:
        values["api_secret"] = _read_secret_file(Path(secret_file), connection)

    for required in ("api_key", "redirect_uri"):
        if not values.get(required):
            raise ConfigError(
                f"connection {connection!r}: the "
                f"{_SETTINGS[required].description} is missing; "
                + _how_to_set(required, connection),
                setting=required,
                connection=connection,
            )
    if not values.get("api_secret"):
        raise ConfigError(
            f"connection {connection!r}: the API secret is missing; set "
            "SPRINKLR_API_SECRET or SPRINKLR_API_SECRET_FILE, or api_secret_file "
            f"in [connections.{connection}] of {config_path}",
            setting="api_secret",
            connection=connection,
        )

    kwargs: dict[str, Any] = {"name": connection}
    for key, value in values.items():
        kwargs[key] = _convert(key, value, connection)
    return ConnectionSettings(**kwargs)


def _convert(key: str, value: Any, connection: str) -> Any:
    setting = _SETTINGS[key]
    if setting.kind == "secret":
        if isinstance(value, SecretStr):
            return value
        if not isinstance(value, str):
            raise _type_error(key, "a string", connection)
        return SecretStr(value)
    if setting.kind == "path":
        if not isinstance(value, str | os.PathLike):
            raise _type_error(key, "a path", connection)
        return Path(value).expanduser()
    if setting.kind == "mapping":
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise _type_error(key, "a table of operationId = path strings", connection)
        return dict(value)
    if setting.kind in ("float", "int"):
        return _convert_number(key, value, connection, setting.kind)
    if not isinstance(value, str):
        raise _type_error(key, "a string", connection)
    if key == "environment":
        return value.strip().lower()
    return value.strip()


def _convert_number(key: str, value: Any, connection: str, kind: str) -> float | int:
    if isinstance(value, bool):
        raise _type_error(key, "a number", connection)
    try:
        number = float(value) if kind == "float" else int(value)
    except (TypeError, ValueError):
        raise _type_error(
            key, "a number" if kind == "float" else "a whole number", connection
        ) from None
    return number


def _type_error(key: str, expected: str, connection: str) -> ConfigError:
    return ConfigError(
        f"connection {connection!r}: {key} must be {expected}; "
        + _how_to_set(key, connection),
        setting=key,
        connection=connection,
    )


def _read_secret_file(path: Path, connection: str) -> SecretStr:
    path = path.expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"connection {connection!r}: cannot read the API secret file {path}: "
            f"{exc.strerror}; check SPRINKLR_API_SECRET_FILE or api_secret_file",
            setting="api_secret_file",
            connection=connection,
        ) from exc
    secret = text.strip()
    if not secret:
        raise ConfigError(
            f"connection {connection!r}: the API secret file {path} is empty",
            setting="api_secret_file",
            connection=connection,
        )
    return SecretStr(secret)
