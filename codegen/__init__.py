"""Generator that turns specs/sprinklr.yaml into the sprinklr_generated package.

Run it as ``python -m codegen``; ``python -m codegen --check`` reports drift.
"""

from codegen.errors import CodegenError

__all__ = ["CodegenError"]
