"""The boundary for bad input: files read, decoded and parsed into located errors.

Every reader (JSON, JSONL, TOML rule and case files, CSV, registers, group files, zone
files, command-line values) goes through these functions, so every way a file or value
can be wrong becomes a :class:`~reserverat.errors.ReserveratError` with a stable code:

===================  ==============================================================
``not_found``        no such file
``not_a_file``       a folder, a FIFO, a device: only regular files are read
``too_large``        over the size limit (``MAX_FILE_BYTES`` unless said otherwise)
``unreadable``       the operating system refused (permissions, I/O)
``bad_path``         a path that cannot name a file (a NUL byte)
``encoding``         not UTF-8 (a BOM is fine); the message gives the byte offset
``bad_json``         not JSON (line and column)
``bad_toml``         not TOML (line and column)
``too_deep``         nested deeper than Python's parsers can follow
``number_too_large`` an integer of more than ``MAX_INT_DIGITS`` digits
``not_finite``       NaN or Infinity, or a float that overflows
===================  ==============================================================

Numbers are bounded again, by meaning, where the models take them in (counts, amounts,
shares, dates: see the README's "Bounds").
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from reserverat.errors import Problem, ReserveratError, swedish_number

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INT_DIGITS",
    "AtomicOutput",
    "check_regular",
    "decode",
    "open_regular",
    "parse_json",
    "parse_toml",
    "read_bytes",
    "read_text",
    "write_text_atomic",
]

MAX_FILE_BYTES = 64 * 2**20
"""The largest file read whole (JSON, TOML, CSV, registers): 64 MiB."""

MAX_INT_DIGITS = 30
"""The longest integer a JSON or TOML file may hold; no count or amount needs more."""

_MAX_FLOAT_CHARS = 64


class _BoundError(ValueError):
    def __init__(self, code: str, msg: str, sv: str) -> None:
        super().__init__(msg)
        self.code = code
        self.sv = sv


_OS_SV = {
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "behörighet saknas",
    errno.EISDIR: "det är en mapp",
    errno.ENOENT: "finns inte",
    errno.ENOSPC: "disken är full",
    errno.EROFS: "platsen går bara att läsa",
    errno.ENAMETOOLONG: "namnet är för långt",
    errno.ELOOP: "för många symboliska länkar",
}


def os_problem(source: str, code: str, exc: OSError) -> Problem:
    """An operating-system error as a problem, in English and (for the usual ones) Swedish."""
    en = exc.strerror or str(exc)
    sv = _OS_SV.get(exc.errno or 0)
    what = "filen kan inte läsas" if code == "unreadable" else "filen kan inte skrivas"
    return Problem(source, "", code, en, msg_sv=f"{what}: {sv or en}")


_JSON_SV = {
    "Expecting value": "ett värde väntades",
    "Expecting property name enclosed in double quotes": (
        "ett fältnamn inom dubbla citattecken väntades"
    ),
    "Expecting ',' delimiter": "ett kommatecken väntades",
    "Expecting ':' delimiter": "ett kolon väntades",
    "Unterminated string starting at": "en text inom citattecken avslutas aldrig",
    "Extra data": "mer text efter JSON-värdet",
    "Invalid control character at": "ett otillåtet styrtecken",
    "Invalid \\escape": "en ogiltig \\-sekvens",
    "Invalid \\uXXXX escape": "en ogiltig \\u-sekvens",
}


def check_regular(
    path: str | Path, error: type[ReserveratError], max_bytes: int | None = None
) -> Path:
    """The path, checked to name a regular file (within ``max_bytes`` when given).

    Raises:
        ReserveratError: of class ``error``, coded as in the module docstring.
    """
    source = str(path)

    def fail(code: str, msg: str, sv: str) -> ReserveratError:
        return error([Problem(source, "", code, msg, msg_sv=sv)])

    try:
        info = Path(path).stat()
    except FileNotFoundError:
        raise fail("not_found", "no such file", "filen finns inte") from None
    except ValueError:
        raise fail(
            "bad_path",
            "the path holds a character no file name can",
            "sökvägen har ett tecken som inget filnamn kan ha",
        ) from None
    except OSError as exc:
        raise error([os_problem(source, "unreadable", exc)]) from None
    if not stat.S_ISREG(info.st_mode):
        # Never open a FIFO or a device: reading one can block forever.
        raise fail("not_a_file", "not a regular file", "det är ingen vanlig fil")
    if max_bytes is not None and info.st_size > max_bytes:
        raise fail(
            "too_large",
            f"{info.st_size:,} bytes; at most {max_bytes:,} are read",
            f"{swedish_number(info.st_size)} byte; högst {swedish_number(max_bytes)} läses",
        )
    return Path(path)


def read_bytes(
    path: str | Path, error: type[ReserveratError], *, max_bytes: int = MAX_FILE_BYTES
) -> bytes:
    """A regular file's bytes, at most ``max_bytes``.

    Raises:
        ReserveratError: of class ``error``, coded as in the module docstring.
    """
    checked = check_regular(path, error, max_bytes)
    try:
        with checked.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise error([os_problem(str(path), "unreadable", exc)]) from None
    if len(data) > max_bytes:
        raise error(
            [
                Problem(
                    str(path),
                    "",
                    "too_large",
                    f"more than {max_bytes:,} bytes",
                    msg_sv=f"mer än {swedish_number(max_bytes)} byte",
                )
            ]
        )
    return data


def open_regular(path: str | Path, error: type[ReserveratError]) -> Any:
    """A regular file opened for reading bytes, after the checks of :func:`read_bytes`."""
    checked = check_regular(path, error)  # streamed: no size limit
    try:
        return checked.open("rb")
    except OSError as exc:
        raise error([os_problem(str(path), "unreadable", exc)]) from None


def decode(data: bytes, source: str, error: type[ReserveratError]) -> str:
    """UTF-8 text (with or without a BOM).

    Raises:
        ReserveratError: ``encoding``, naming the byte offset of the first bad byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            [
                Problem(
                    source,
                    f"line {line}",
                    "encoding",
                    f"not UTF-8 text (byte {exc.start}: 0x{data[exc.start]:02x}); "
                    "save the file as UTF-8",
                    msg_sv=f"inte UTF-8-text (byte {exc.start}: 0x{data[exc.start]:02x}); "
                    "spara filen som UTF-8",
                )
            ]
        ) from None


def read_text(
    path: str | Path, error: type[ReserveratError], *, max_bytes: int = MAX_FILE_BYTES
) -> str:
    """A regular file's UTF-8 text: :func:`read_bytes`, then :func:`decode`."""
    return decode(read_bytes(path, error, max_bytes=max_bytes), str(path), error)


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BoundError(
            "number_too_large",
            f"an integer of {len(text)} digits (at most {MAX_INT_DIGITS})",
            f"ett heltal med {len(text)} siffror (högst {MAX_INT_DIGITS})",
        )
    return int(text)


def _float(text: str) -> float:
    if len(text) > _MAX_FLOAT_CHARS:
        raise _BoundError(
            "number_too_large",
            f"a number written with {len(text)} characters",
            f"ett tal skrivet med {len(text)} tecken",
        )
    value = float(text)
    if not math.isfinite(value):
        raise _BoundError(
            "not_finite", f"{text} is too large to be a number", f"{text} är för stort för ett tal"
        )
    return value


def _constant(name: str) -> Any:
    raise _BoundError(
        "not_finite",
        f"{name} is not a number JSON allows",
        f"{name} är inget tal som JSON tillåter",
    )


# Made once: json.loads with hooks builds a decoder per call.
_DECODER = json.JSONDecoder(parse_int=_int, parse_float=_float, parse_constant=_constant)


def parse_json(text: str, source: str, error: type[ReserveratError], *, loc: str = "") -> Any:
    """Parse JSON, refusing NaN, Infinity, overlong integers and too deep nesting.

    Raises:
        ReserveratError: ``bad_json`` (with line and column), ``too_deep``,
            ``number_too_large`` or ``not_finite``.
    """
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        sv = "inte giltig JSON: " + _JSON_SV.get(exc.msg, exc.msg)
        raise error(
            [Problem(source, f"{loc} {where}".strip(), "bad_json", exc.msg, msg_sv=sv)]
        ) from None
    except _BoundError as exc:
        raise error([Problem(source, loc, exc.code, str(exc), msg_sv=exc.sv)]) from None
    except RecursionError:
        raise error([_too_deep(source, loc)]) from None


def _too_deep(source: str, loc: str) -> Problem:
    return Problem(
        source,
        loc,
        "too_deep",
        "nested too deeply to read",
        msg_sv="för djupt nästlad för att läsas",
    )


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_float(text: str) -> float:
    if text.lstrip("+-") in ("nan", "inf"):
        raise _BoundError(
            "not_finite",
            f"{text} is not a number a rule file may hold",
            f"{text} är inget tal som en regelfil får ha",
        )
    return _float(text)


def parse_toml(text: str, source: str, error: type[ReserveratError]) -> dict[str, Any]:
    """Parse TOML, refusing nan, inf, overlong integers and too deep nesting.

    Raises:
        ReserveratError: ``bad_toml`` (with line and column), ``too_deep``,
            ``number_too_large`` or ``not_finite``.
    """
    try:
        data = tomllib.loads(text, parse_float=_toml_float)
    except tomllib.TOMLDecodeError as exc:
        msg, loc = str(exc), ""
        m = _TOML_AT.search(msg)
        if m:
            loc = f"line {m.group(1)} column {m.group(2)}"
            msg = msg[: m.start()].strip()
        raise error(
            [Problem(source, loc, "bad_toml", msg, msg_sv=f"inte giltig TOML: {msg}")]
        ) from None
    except _BoundError as exc:
        raise error([Problem(source, "", exc.code, str(exc), msg_sv=exc.sv)]) from None
    except ValueError:  # tomllib's own int() of an integer over Python's 4,300 digits
        raise error([_too_long_int(source)]) from None
    except RecursionError:
        raise error([_too_deep(source, "")]) from None
    _check_ints(data, source, error)
    return data


def _check_ints(value: Any, source: str, error: type[ReserveratError]) -> None:
    # tomllib has no parse_int: bound the integers it made (at most 4,300 digits long).
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            if abs(item) >= 10**MAX_INT_DIGITS:
                raise error([_too_long_int(source)])
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _too_long_int(source: str) -> Problem:
    return Problem(
        source,
        "",
        "number_too_large",
        f"an integer of more than {MAX_INT_DIGITS} digits",
        msg_sv=f"ett heltal med fler än {MAX_INT_DIGITS} siffror",
    )


def _file_mode(path: Path) -> int:
    """The permission bits a file written at ``path`` should have."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        pass
    # No call reads the umask without setting it; it is set back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class AtomicOutput:
    """A file written under a temporary name beside ``path``, renamed into place on success.

    An interrupted or failed run never leaves a half-written file under the real name:
    on an exception the temporary file is removed and the old file, if any, is kept.

    Raises:
        ReserveratError: of class ``error``, ``unwritable``, when the folder does not exist
            or cannot be written to.
    """

    def __init__(self, path: str | Path, error: type[ReserveratError]) -> None:
        self.path = Path(path)
        self.error = error
        self.temp: Path | None = None

    def open(self) -> Path:
        """Create the temporary file and return its path, for writers that take a path."""
        import tempfile

        folder = self.path.parent
        if not folder.is_dir():
            raise self.error(
                [
                    Problem(
                        str(self.path),
                        "",
                        "unwritable",
                        f"no such folder: {folder}",
                        msg_sv=f"mappen finns inte: {folder}",
                    )
                ]
            )
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=folder)
        except OSError as exc:
            raise self.error([os_problem(str(self.path), "unwritable", exc)]) from None
        os.close(fd)
        self.temp = Path(name)
        return self.temp

    def commit(self) -> None:
        """Move the finished file into place."""
        assert self.temp is not None
        try:
            # mkstemp makes the file readable by its owner alone; the finished file gets the
            # mode an ordinary write would give it (the old file's, else the umask's).
            os.chmod(self.temp, _file_mode(self.path))
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.discard()
            raise self.error([os_problem(str(self.path), "unwritable", exc)]) from None
        self.temp = None

    def discard(self) -> None:
        """Remove the temporary file."""
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)
            self.temp = None


def write_text_atomic(path: str | Path, text: str, error: type[ReserveratError]) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :class:`AtomicOutput`."""
    out = AtomicOutput(path, error)
    temp = out.open()
    try:
        temp.write_text(text, encoding="utf-8")
    except BaseException:
        out.discard()
        raise
    out.commit()
