"""Write ``docs/reason-codes.md``: every message code, its arguments and its sv/en text.

Run from the repository root: python tools/reason_codes.py. ``tests/test_front_door.py``
fails while the file is not what this writes.
"""

from __future__ import annotations

from pathlib import Path

from reserverat.render.messages import CATALOGUES, message_arguments

OUT = Path(__file__).resolve().parents[1] / "docs" / "reason-codes.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def reference() -> str:
    """The reference as Markdown: one row per code, sorted, in both languages."""
    sv, en = CATALOGUES["sv"], CATALOGUES["en"]
    lines = [
        "# Reason codes, notes and warnings",
        "",
        "Every message a result carries (`reason.code`, `gap.code`, `notes[].code`,",
        "`warnings[].code`) with the arguments it takes and its text in Swedish and English.",
        "The codes are stable; the texts may be improved. Written by `tools/reason_codes.py`",
        "from `reserverat.render.messages`; a test fails while it is not current.",
        "",
        "| code | arguments | svenska | English |",
        "|---|---|---|---|",
    ]
    for code in sorted(set(sv) | set(en)):
        args = sorted(message_arguments(code))
        names = ", ".join(f"`{a}`" for a in args)
        lines.append(
            f"| `{code}` | {names} | {_cell(sv.get(code, ''))} | {_cell(en.get(code, ''))} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(reference(), encoding="utf-8")
    print(f"{OUT}: {reference().count(chr(10)) - 9} codes")
