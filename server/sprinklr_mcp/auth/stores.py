"""Durable token stores: one file per connection, or keys in Redis.

Both stores follow one protocol. A caller that renews a pair takes
:meth:`TokenStore.lock`, re-reads the pair inside it and writes the new pair
with :meth:`TokenStore.save`, passing the generation it read. ``save`` is a
compare-and-set on that generation, which fences off a writer whose lock ran
out: it can never replace a newer pair.
"""

from __future__ import annotations

import asyncio
import contextlib

# NOTE: fcntl exists only on POSIX systems, so the file store (and this
# module) does not work on Windows.
import fcntl
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import quote

import redis.asyncio as redis_asyncio
from redis.asyncio.lock import Lock as RedisLock
from redis.exceptions import LockError, RedisError

from sprinklr_mcp.auth.errors import StoreLockTimeoutError, TokenStoreError
from sprinklr_mcp.auth.tokens import StoredTokens
from sprinklr_mcp.config import ConnectionSettings

__all__ = [
    "FileTokenStore",
    "RedisTokenStore",
    "TokenStore",
    "create_store",
]

logger = logging.getLogger(__name__)

# Lock polling starts fast, because most waits end when one token request
# returns, and backs off to spare the disk or Redis during long waits.
_FIRST_POLL = 0.002
_MAX_POLL = 0.05


@runtime_checkable
class TokenStore(Protocol):
    """Durable storage of token pairs, shared between processes and restarts."""

    @property
    def description(self) -> str:
        """Where the pairs are kept, for status output; never includes a secret."""
        ...

    async def load(self, connection: str) -> StoredTokens | None:
        """Return the stored pair, or None when there is none.

        Raises TokenStoreError when the store cannot be read or contains
        something that is not a token pair.
        """
        ...

    async def save(
        self, connection: str, tokens: StoredTokens, *, expected_generation: int | None
    ) -> bool:
        """Write ``tokens`` if the stored generation is ``expected_generation``.

        0 means no pair is stored; None writes unconditionally (a new login).
        Returns False, writing nothing, when the generation differs. The write
        is atomic: a reader sees the old pair or the new one, never a mix.
        Call it while holding :meth:`lock`.
        """
        ...

    async def delete(self, connection: str) -> bool:
        """Delete the stored pair; returns whether there was one."""
        ...

    def lock(
        self, connection: str, *, wait: float
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the connection's lock across processes; wait at most ``wait`` s.

        Raises StoreLockTimeoutError when the wait runs out.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; the store cannot be used afterwards."""
        ...


class FileTokenStore:
    """One JSON file per connection in ``directory``, mode 0600.

    Writes go to a temporary file in the same directory, which is flushed,
    fsynced and renamed over the old file; the directory is fsynced after.
    A ``<connection>.lock`` file beside it carries a POSIX ``flock`` lock,
    which the kernel releases when its holder dies.

    ``before_replace`` is a test hook, called with the temporary file's path
    after the fsync and before the rename.
    """

    def __init__(
        self,
        directory: Path,
        *,
        before_replace: Callable[[Path], None] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._before_replace = before_replace

    @property
    def description(self) -> str:
        """The directory the token files are in."""
        return f"file store in {self.directory}"

    def token_path(self, connection: str) -> Path:
        """Return the path of the connection's token file."""
        return self.directory / f"{connection}.json"

    def _lock_path(self, connection: str) -> Path:
        return self.directory / f"{connection}.lock"

    def _ensure_directory(self) -> None:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise TokenStoreError(
                f"cannot create the token directory {self.directory}: {exc.strerror}"
            ) from exc

    async def load(self, connection: str) -> StoredTokens | None:
        """Return the connection's pair, or None when no file exists."""
        return await asyncio.to_thread(self._load_sync, connection)

    def _load_sync(self, connection: str) -> StoredTokens | None:
        path = self.token_path(connection)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TokenStoreError(
                f"cannot read the token file {path}: {exc.strerror}",
                connection=connection,
            ) from exc
        try:
            return StoredTokens.from_json(data)
        except ValueError as exc:
            raise TokenStoreError(
                f"the token file {path} is not a valid token pair ({exc}); run "
                f"`sprinklr-mcp auth login {connection}` to replace it",
                connection=connection,
            ) from exc

    async def save(
        self, connection: str, tokens: StoredTokens, *, expected_generation: int | None
    ) -> bool:
        """Replace the connection's file atomically if the generation matches."""
        return await asyncio.to_thread(
            self._save_sync, connection, tokens, expected_generation
        )

    def _save_sync(
        self, connection: str, tokens: StoredTokens, expected_generation: int | None
    ) -> bool:
        self._ensure_directory()
        if expected_generation is not None:
            try:
                current = self._load_sync(connection)
            except TokenStoreError:
                # An unreadable file has no generation to match; only an
                # unconditional write (a login) may replace it.
                return False
            current_generation = 0 if current is None else current.generation
            if current_generation != expected_generation:
                return False

        self._remove_stale_temporary_files(connection)
        path = self.token_path(connection)
        descriptor, temporary_name = tempfile.mkstemp(
            dir=self.directory, prefix=f".{connection}.json.", suffix=".tmp"
        )
        temporary = Path(temporary_name)
        try:
            # mkstemp creates the file with mode 0600, which the rename keeps.
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(tokens.to_json().encode())
                handle.flush()
                os.fsync(handle.fileno())
            if self._before_replace is not None:
                self._before_replace(temporary)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        self._fsync_directory()
        return True

    def _remove_stale_temporary_files(self, connection: str) -> None:
        # Left by a process that died between writing and renaming; the
        # caller holds the lock, so no live writer owns them.
        for stale in self.directory.glob(f".{connection}.json.*.tmp"):
            stale.unlink(missing_ok=True)

    def _fsync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    async def delete(self, connection: str) -> bool:
        """Delete the connection's token file."""
        path = self.token_path(connection)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise TokenStoreError(
                f"cannot delete the token file {path}: {exc.strerror}",
                connection=connection,
            ) from exc
        return True

    @contextlib.asynccontextmanager
    async def lock(self, connection: str, *, wait: float) -> AsyncIterator[None]:
        """Hold an exclusive ``flock`` on the connection's lock file."""
        self._ensure_directory()
        path = self._lock_path(connection)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + wait
            delay = _FIRST_POLL
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreLockTimeoutError(
                            f"another process held {path} for more than {wait:g} s",
                            connection=connection,
                        ) from None
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _MAX_POLL)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    async def aclose(self) -> None:
        """Nothing to release: files are opened per call."""


# KEYS[1]: the tokens hash. ARGV[1]: the expected generation, or "" for any.
# ARGV[2]: the new generation. ARGV[3]: the pair as JSON. Returns 1 if written.
_COMPARE_AND_SET = """
local current = redis.call('HGET', KEYS[1], 'generation')
if ARGV[1] ~= '' and (current or '0') ~= ARGV[1] then
    return 0
end
redis.call('HSET', KEYS[1], 'generation', ARGV[2], 'tokens', ARGV[3])
return 1
"""


class RedisTokenStore:
    """Token pairs in Redis, for several server replicas sharing connections.

    Keys: ``{prefix}:{connection}:tokens`` (a hash of ``generation`` and
    ``tokens``) and ``{prefix}:{connection}:lock``. One ``:`` separates the
    prefix from the name, so ``x`` and ``x:`` are the same prefix, and an
    empty prefix adds nothing. The name is percent-encoded except for
    letters, digits, ``_``, ``.``, ``-`` and ``~``, so it never contains ``:`` and
    two (prefix, name) pairs never share a key. The lock expires after
    ``lock_timeout`` seconds, so a dead holder cannot block others for ever.
    The compare-and-set in :meth:`save` keeps a holder that outlived its lock
    from overwriting a newer pair.
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "sprinklr-mcp:",
        lock_timeout: float = 30.0,
        client: redis_asyncio.Redis | None = None,
    ) -> None:
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self._client = client if client is not None else redis_asyncio.from_url(url)
        self._owns_client = client is None
        self._compare_and_set = self._client.register_script(_COMPARE_AND_SET)
        kwargs = self._client.connection_pool.connection_kwargs
        self._location = str(
            kwargs.get("path") or f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"
        )

    @property
    def description(self) -> str:
        """The Redis server (without credentials) and the key prefix."""
        return f"Redis store at {self._location}, keys {self._key_prefix()}*"

    def _key_prefix(self) -> str:
        if self.prefix and not self.prefix.endswith(":"):
            return f"{self.prefix}:"
        return self.prefix

    def _key(self, connection: str, kind: str) -> str:
        return f"{self._key_prefix()}{quote(connection, safe='')}:{kind}"

    def _tokens_key(self, connection: str) -> str:
        return self._key(connection, "tokens")

    def _lock_key(self, connection: str) -> str:
        return self._key(connection, "lock")

    def _failure(self, action: str, connection: str, exc: Exception) -> TokenStoreError:
        return TokenStoreError(
            f"cannot {action} the token pair in Redis at {self._location} "
            f"({type(exc).__name__})",
            connection=connection,
            retryable=True,
        )

    async def load(self, connection: str) -> StoredTokens | None:
        """Return the connection's pair, or None when the key does not exist."""
        try:
            data = await self._client.hget(self._tokens_key(connection), "tokens")
        except RedisError as exc:
            raise self._failure("read", connection, exc) from exc
        if data is None:
            return None
        try:
            return StoredTokens.from_json(data)
        except ValueError as exc:
            raise TokenStoreError(
                f"the Redis key {self._tokens_key(connection)} is not a valid token "
                f"pair ({exc}); run `sprinklr-mcp auth login {connection}`",
                connection=connection,
            ) from exc

    async def save(
        self, connection: str, tokens: StoredTokens, *, expected_generation: int | None
    ) -> bool:
        """Write the pair in one script run if the generation matches."""
        expected = "" if expected_generation is None else str(expected_generation)
        try:
            written = await self._compare_and_set(
                keys=[self._tokens_key(connection)],
                args=[expected, str(tokens.generation), tokens.to_json()],
            )
        except RedisError as exc:
            raise self._failure("write", connection, exc) from exc
        return bool(written)

    async def delete(self, connection: str) -> bool:
        """Delete the connection's tokens key."""
        try:
            deleted = await self._client.delete(self._tokens_key(connection))
        except RedisError as exc:
            raise self._failure("delete", connection, exc) from exc
        return bool(deleted)

    @contextlib.asynccontextmanager
    async def lock(self, connection: str, *, wait: float) -> AsyncIterator[None]:
        """Hold a Redis lock that expires after ``lock_timeout`` seconds."""
        lock = RedisLock(
            self._client,
            self._lock_key(connection),
            timeout=self.lock_timeout,
            sleep=_MAX_POLL,
            blocking=True,
            blocking_timeout=wait,
            # Each acquisition has its own Lock object, so thread-local
            # storage of its random token would only get in the way.
            thread_local=False,
        )
        try:
            acquired = await lock.acquire()
        except RedisError as exc:
            raise self._failure("lock", connection, exc) from exc
        if not acquired:
            raise StoreLockTimeoutError(
                f"another process held the Redis lock {self._lock_key(connection)} "
                f"for more than {wait:g} s",
                connection=connection,
            )
        try:
            yield
        finally:
            try:
                await lock.release()
            except LockError:
                logger.warning(
                    "connection %r: the Redis lock expired before it was released; "
                    "raise lock_timeout if token requests take longer than %g s",
                    connection,
                    self.lock_timeout,
                )
            except RedisError as exc:
                logger.warning(
                    "connection %r: releasing the Redis lock failed (%s); it "
                    "expires by itself within %g s",
                    connection,
                    type(exc).__name__,
                    self.lock_timeout,
                )

    async def aclose(self) -> None:
        """Close the Redis client if this store created it."""
        if self._owns_client:
            await self._client.aclose()


def create_store(settings: ConnectionSettings) -> TokenStore:
    """Build the store that ``settings.token_store`` names."""
    if settings.token_store == "redis":  # noqa: S105 - a store kind, not a secret
        return RedisTokenStore(
            settings.redis_url.get_secret_value(),
            prefix=settings.redis_key_prefix,
            lock_timeout=settings.lock_timeout,
        )
    return FileTokenStore(settings.data_dir / "tokens")
