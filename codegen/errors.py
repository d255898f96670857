"""The one exception type of the generator."""

__all__ = ["CodegenError"]


class CodegenError(Exception):
    """Raised when the spec breaks a rule or a step fails; the message names why."""
