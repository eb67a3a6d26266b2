"""The ``reserverat`` command: parse arguments, then load and run the one command asked for.

Exit codes: 0 every declaration qualified (or a command that only reads or describes
files succeeded: rules, schema, import-espd, read-notice, notice-codes);
1 at least one declaration is not qualified or undecided; 2 bad input (unreadable
or invalid files, unknown rule set, bad options). Bad input prints located errors
on standard error; results for the other inputs are still printed.

This module stays light: ``reserverat --help`` and a bad option load only the parser; the
commands (:mod:`reserverat._commands`) and the library load once the arguments are good.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from reserverat.cliargs import help_language, parser

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL_ERROR", "EXIT_NOT_ALL_QUALIFIED", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_NOT_ALL_QUALIFIED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser(help_language(argv)).parse_args(argv)
    lang = str(getattr(args, "lang", "sv"))
    from reserverat import _commands
    from reserverat.errors import ReserveratError
    from reserverat.identifiers import mask_personal_numbers

    try:
        command = getattr(_commands, "_cmd_" + args.command.replace("-", "_"))
        return int(command(args))
    except ReserveratError as exc:
        _commands._print_problems(exc.problems, lang)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"reserverat: {'avbrutet' if lang == 'sv' else 'interrupted'}", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("RESERVERAT_DEBUG"):
            raise
        what = mask_personal_numbers(f"{type(exc).__name__}: {exc}")[:500]
        if lang == "sv":
            text = (
                f"reserverat: internt fel ({what}). Felet finns i reserverat, inte i era "
                "uppgifter: rapportera det gärna med kommandot och, om ni kan, indatafilen. "
                "Sätt RESERVERAT_DEBUG=1 för att se var det inträffade."
            )
        else:
            text = (
                f"reserverat: internal error ({what}). This is a bug in reserverat, not in your "
                "input: please report it with the command and, if you can, the input file. "
                "Set RESERVERAT_DEBUG=1 to see where it happened."
            )
        print(text, file=sys.stderr)
        return EXIT_INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
