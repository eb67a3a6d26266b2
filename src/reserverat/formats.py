"""The names the command offers before it loads anything: output formats and schema kinds.

``reserverat --help`` lists them, so they live here, apart from the renderers and the
schema builders that need pydantic.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["FORMATS", "KINDS", "Kind"]

FORMATS = ("text", "json", "markdown", "html")
"""The formats ``check`` writes."""

Kind = Literal["declaration", "procurement", "result", "compact", "ruleset", "cases", "contract"]
KINDS: tuple[Kind, ...] = (
    "declaration",
    "procurement",
    "result",
    "compact",
    "ruleset",
    "cases",
    "contract",
)
"""The documents that have a published schema: four JSON documents, and the two TOML
formats people edit (rule files and case files)."""
