"""The one exception type of the generator."""

__all__ = ["CodegenError"]


class CodegenError(Exception):
    """The spec breaks a rule or a generation step failed; the message says which."""
