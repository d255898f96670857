"""Connection settings: sources, precedence, checks and error messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from sprinklr_mcp.config import (
    ConfigError,
    ConnectionSettings,
    config_file_path,
    is_connection_configured,
    list_connections,
    load_connection,
)

REDIRECT = "http://127.0.0.1:8400/callback"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No SPRINKLR_* variable leaks in; the config file lives in tmp_path."""
    for name in list(os.environ):
        if name.startswith("SPRINKLR_"):
            monkeypatch.delenv(name)
    config = tmp_path / "config.toml"
    monkeypatch.setenv("SPRINKLR_CONFIG", str(config))
    return config


def write_config(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def base(**overrides: object) -> ConnectionSettings:
    values: dict[str, object] = {
        "api_key": "key-0123456789",
        "api_secret": SecretStr("secret-value"),
        "redirect_uri": REDIRECT,
    }
    values.update(overrides)
    return ConnectionSettings(**values)  # type: ignore[arg-type]


TWO_CONNECTIONS = f"""
default = "main"

[defaults]
host = "api2.sprinklr.com"
connect_timeout = 5

[connections.main]
environment = "prod2"
api_key = "main-key-000001"
api_secret = "main-secret"
redirect_uri = "{REDIRECT}"

[connections.staging]
environment = "prod0"
api_key = "staging-key-0002"
api_secret = "staging-secret"
redirect_uri = "{REDIRECT}"
host = "api3.sprinklr.com"

[connections.staging.path_overrides]
listProfileCases = "/api/v2/profile/cases"
"""


# --- URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ("", "https://api3.sprinklr.com"),
        ("prod", "https://api3.sprinklr.com"),
        ("prod2", "https://api3.sprinklr.com/prod2"),
        ("prod15", "https://api3.sprinklr.com/prod15"),
    ],
)
def test_api_base_url_per_environment(environment: str, expected: str) -> None:
    settings = base(environment=environment)

    assert settings.api_base_url == expected
    assert settings.oauth_authorize_url == f"{expected}/oauth/authorize"
    assert settings.oauth_token_url == f"{expected}/oauth/token"


def test_base_url_replaces_scheme_and_host() -> None:
    settings = base(environment="prod2", base_url="http://127.0.0.1:8765/")

    assert settings.api_base_url == "http://127.0.0.1:8765/prod2"


def test_custom_environment_only_with_base_url() -> None:
    settings = base(environment="sandbox", base_url="http://127.0.0.1:8765")

    assert settings.api_base_url == "http://127.0.0.1:8765/sandbox"
    with pytest.raises(ConfigError, match="unknown environment 'sandbox'"):
        base(environment="sandbox")


def test_unlisted_prod_environment_warns(caplog: pytest.LogCaptureFixture) -> None:
    settings = base(environment="prod99")

    assert settings.api_base_url.endswith("/prod99")
    assert "not one Sprinklr documents" in caplog.text


# --- checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "setting", "fragment"),
    [
        ({"environment": "prod-eu"}, "environment", "SPRINKLR_ENVIRONMENT"),
        ({"environment": "PROD2 "}, "environment", "unknown environment"),
        ({"redirect_uri": "ftp://x/cb"}, "redirect_uri", "SPRINKLR_REDIRECT_URI"),
        ({"redirect_uri": "http:///cb"}, "redirect_uri", "needs http(s) and a host"),
        ({"redirect_uri": "http://h/cb#x"}, "redirect_uri", "fragment"),
        ({"redirect_uri": "http://h:99999/cb"}, "redirect_uri", "bad port"),
        ({"redirect_uri": ""}, "redirect_uri", "missing"),
        ({"host": "https://api3.sprinklr.com"}, "host", "without a scheme"),
        ({"base_url": "127.0.0.1:8765"}, "base_url", "SPRINKLR_BASE_URL"),
        ({"base_url": "http://h/?q=1"}, "base_url", "query"),
        ({"api_key": ""}, "api_key", "SPRINKLR_API_KEY"),
        ({"api_key": "has space"}, "api_key", "contains spaces"),
        ({"api_secret": SecretStr("")}, "api_secret", "SPRINKLR_API_SECRET_FILE"),
        ({"token_store": "memory"}, "token_store", "'file' or 'redis'"),
        (
            {"token_store": "redis", "redis_url": SecretStr("http://x")},
            "redis_url",
            "redis://",
        ),
        ({"total_timeout": 0.0}, "total_timeout", "SPRINKLR_TOTAL_TIMEOUT"),
        ({"rate_limit_per_hour": -1}, "rate_limit_per_hour", "greater than 0"),
        ({"refresh_leeway": -1.0}, "refresh_leeway", "0 or more"),
        ({"path_overrides": {"getCase": "api/v2"}}, "path_overrides", "operationIds"),
        ({"name": "bad name"}, None, "invalid connection name"),
    ],
)
def test_invalid_setting_is_named(
    overrides: dict[str, object], setting: str | None, fragment: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        base(**overrides)

    assert caught.value.setting == setting
    assert fragment in str(caught.value)


def test_error_names_env_var_and_toml_key(clean_environment: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        base(environment="prod-eu")

    message = str(caught.value)
    assert caught.value.env_var == "SPRINKLR_ENVIRONMENT"
    assert "SPRINKLR_ENVIRONMENT" in message
    assert "environment in [connections.default]" in message
    assert str(clean_environment) in message


def test_repr_hides_secret_and_key() -> None:
    settings = base(
        api_key="very-secret-key-1234",
        api_secret=SecretStr("hunter2-secret"),
        redis_url=SecretStr("redis://:redispass@127.0.0.1:6379/0"),
    )

    text = f"{settings!r} {settings}"

    assert "hunter2-secret" not in text
    assert "very-secret-key" not in text
    assert "redispass" not in text
    assert "1234" in text


def test_path_overrides_are_read_only() -> None:
    settings = base(path_overrides={"listProfileCases": "/api/v2/x"})

    with pytest.raises(TypeError):
        settings.path_overrides["other"] = "/y"  # type: ignore[index]


def test_defaults_match_documentation() -> None:
    settings = base()

    assert settings.host == "api3.sprinklr.com"
    assert settings.environment == ""
    assert settings.token_store == "file"
    assert settings.rate_limit_per_second == 10
    assert settings.rate_limit_per_hour == 1000
    assert settings.redis_key_prefix == "sprinklr-mcp:"


# --- loading ---------------------------------------------------------------------


def test_loads_default_connection_from_file(clean_environment: Path) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)

    settings = load_connection()

    assert settings.name == "main"
    assert settings.environment == "prod2"
    assert settings.host == "api2.sprinklr.com"
    assert settings.connect_timeout == 5.0
    assert settings.api_secret.get_secret_value() == "main-secret"


def test_loads_named_connection(clean_environment: Path) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)

    settings = load_connection("staging")

    assert settings.environment == "prod0"
    assert settings.host == "api3.sprinklr.com"
    assert dict(settings.path_overrides) == {
        "listProfileCases": "/api/v2/profile/cases"
    }


def test_environment_overrides_file_for_active(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)
    monkeypatch.setenv("SPRINKLR_ENVIRONMENT", "prod5")
    monkeypatch.setenv("SPRINKLR_RATE_LIMIT_PER_SECOND", "2.5")

    active = load_connection()
    other = load_connection("staging")

    assert active.environment == "prod5"
    assert active.rate_limit_per_second == 2.5
    assert other.environment == "prod0"
    assert other.rate_limit_per_second == 10


def test_connection_variable_picks_active(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)
    monkeypatch.setenv("SPRINKLR_CONNECTION", "staging")
    monkeypatch.setenv("SPRINKLR_ENVIRONMENT", "prod8")

    settings = load_connection()

    assert settings.name == "staging"
    assert settings.environment == "prod8"
    assert list_connections() == ["staging", "main"]


def test_explicit_arguments_win(
    clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)
    monkeypatch.setenv("SPRINKLR_ENVIRONMENT", "prod5")

    settings = load_connection(environment="prod12", host=None)

    assert settings.environment == "prod12"
    assert settings.host == "api2.sprinklr.com"


def test_environment_only_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_API_SECRET", "env-secret")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)
    monkeypatch.setenv("SPRINKLR_ENVIRONMENT", "PROD2")
    monkeypatch.setenv("SPRINKLR_PATH_OVERRIDES", '{"getThing": "/api/v2/thing"}')

    settings = load_connection()

    assert settings.name == "default"
    assert settings.environment == "prod2"
    assert dict(settings.path_overrides) == {"getThing": "/api/v2/thing"}
    assert list_connections() == ["default"]
    assert is_connection_configured() is True


def test_nothing_configured() -> None:
    assert list_connections() == []
    assert is_connection_configured() is False
    with pytest.raises(ConfigError, match="SPRINKLR_API_KEY"):
        load_connection()


def test_broken_config_file_counts_as_configured(clean_environment: Path) -> None:
    write_config(clean_environment, "[connections.main\n")

    assert is_connection_configured() is True
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_connection()


def test_secret_from_file(
    clean_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("file-secret\n")
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)
    monkeypatch.setenv("SPRINKLR_API_SECRET_FILE", str(secret_file))

    settings = load_connection()

    assert settings.api_secret.get_secret_value() == "file-secret"


def test_secret_value_beats_secret_file(
    clean_environment: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("file-secret")
    write_config(
        clean_environment,
        f"""
[connections.main]
api_key = "main-key-000001"
api_secret_file = "{secret_file}"
redirect_uri = "{REDIRECT}"
""",
    )
    monkeypatch.setenv("SPRINKLR_API_SECRET", "env-secret")

    from_env = load_connection()
    from_file = load_connection(api_secret=None)

    assert from_env.api_secret.get_secret_value() == "env-secret"
    assert from_file.api_secret.get_secret_value() == "env-secret"
    monkeypatch.delenv("SPRINKLR_API_SECRET")
    assert load_connection().api_secret.get_secret_value() == "file-secret"


def test_missing_secret_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)
    monkeypatch.setenv("SPRINKLR_API_SECRET_FILE", str(tmp_path / "absent"))

    with pytest.raises(ConfigError) as caught:
        load_connection()

    assert caught.value.setting == "api_secret_file"
    assert "absent" in str(caught.value)


def test_missing_secret_names_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)

    with pytest.raises(ConfigError) as caught:
        load_connection()

    message = str(caught.value)
    assert "SPRINKLR_API_SECRET" in message
    assert "api_secret_file" in message


def test_unknown_connection_lists_known(clean_environment: Path) -> None:
    write_config(clean_environment, TWO_CONNECTIONS)

    with pytest.raises(ConfigError, match="connection is not configured") as caught:
        load_connection("prod")

    message = str(caught.value)
    assert "invalid" not in message
    assert "has no [connections.prod] table" in message
    assert "configured connections: main, staging" in message
    assert caught.value.connection == "prod"


def test_unknown_toml_key_is_rejected(clean_environment: Path) -> None:
    write_config(
        clean_environment,
        f"""
[connections.main]
api_key = "main-key-000001"
api_secret = "s"
redirect_uri = "{REDIRECT}"
enviroment = "prod2"
""",
    )

    with pytest.raises(ConfigError, match="unknown settings \\['enviroment'\\]"):
        load_connection()


def test_bad_number_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_API_SECRET", "s")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)
    monkeypatch.setenv("SPRINKLR_READ_TIMEOUT", "a minute")

    with pytest.raises(ConfigError) as caught:
        load_connection()

    assert caught.value.setting == "read_timeout"
    assert "SPRINKLR_READ_TIMEOUT" in str(caught.value)


def test_bad_path_overrides_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPRINKLR_PATH_OVERRIDES", "getThing=/x")

    with pytest.raises(ConfigError, match="JSON object"):
        load_connection()


def test_unknown_override_is_type_error() -> None:
    with pytest.raises(TypeError, match="enviroment"):
        load_connection(enviroment="prod2")


def test_explicit_connection_outside_file() -> None:
    settings = load_connection(
        "adhoc",
        api_key="adhoc-key-0001",
        api_secret="adhoc-secret",
        redirect_uri=REDIRECT,
        environment="prod3",
    )

    assert settings.name == "adhoc"
    assert settings.api_secret.get_secret_value() == "adhoc-secret"


def test_config_path_follows_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPRINKLR_CONFIG", str(tmp_path / "other.toml"))

    assert config_file_path() == tmp_path / "other.toml"


def test_data_dir_from_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPRINKLR_API_KEY", "env-key-00001")
    monkeypatch.setenv("SPRINKLR_API_SECRET", "s")
    monkeypatch.setenv("SPRINKLR_REDIRECT_URI", REDIRECT)
    monkeypatch.setenv("SPRINKLR_DATA_DIR", str(tmp_path / "data"))

    assert load_connection().data_dir == tmp_path / "data"
