"""A module that is imported on its first attribute access.

numpy serves only the columnar path (``Corpus``, ``compare``, the check kernels), and
importing it costs about 60 ms: ``import reserverat`` and a ``check`` of one file should not
pay that. Modules that use it write ``np = LazyModule("numpy")`` (with the real import under
``TYPE_CHECKING`` for the type checker).
"""

from __future__ import annotations

import importlib
import types
from typing import Any

__all__ = ["LazyModule"]


class LazyModule(types.ModuleType):
    """Stands for the module ``name`` and imports it when an attribute is first read."""

    def __getattr__(self, attr: str) -> Any:
        real = importlib.import_module(self.__name__)
        # Later reads find the attributes here without coming back.
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)
