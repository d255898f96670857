"""Operation metadata and the transport protocol that generated operations call."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel

Safety = Literal["read", "write", "destructive", "outbound"]
BodyKind = Literal["none", "json", "multipart"]


@dataclass(frozen=True, slots=True)
class OperationInfo:
    """One spec operation: how to send it and how safe it is to repeat."""

    operation_id: str
    method: str
    path: str
    safety: Safety
    retry: bool
    source: str
    tool: str | None
    body_kind: BodyKind
    no_content: bool
    composite: tuple[str, ...] = ()

    @property
    def inferred(self) -> bool:
        """Whether no public Sprinklr page documents this operation's path."""
        return self.source == "inferred"


@dataclass(frozen=True, slots=True)
class FileUpload:
    """A file for a multipart body, streamed from ``path`` or sent from ``content``."""

    filename: str
    path: str | os.PathLike[str] | None = None
    content: bytes | None = None
    content_type: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.content is None):
            raise ValueError("FileUpload needs exactly one of path or content")


ResponseT = TypeVar("ResponseT", bound=BaseModel)
Files = Mapping[str, FileUpload | Sequence[FileUpload]]


class Transport(Protocol):
    """Sends one operation and returns its validated response envelope."""

    async def call(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        files: Files | None,
        response: type[ResponseT],
        timeout: float | None,
    ) -> ResponseT: ...

    async def call_no_content(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        timeout: float | None,
    ) -> None: ...
