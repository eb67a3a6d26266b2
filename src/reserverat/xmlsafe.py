"""Parsing XML from suppliers and notices without trusting it.

ESPD responses and eForms notices arrive from outside. They are parsed with
defusedxml: entity declarations (the "billion laughs" expansion), external entities
and document type declarations are refused, nothing is ever fetched from the network or the disk,
and a size limit applies before parsing starts. Elements are matched by namespace URI
and local name, never by prefix, because tools write the same document with different
prefixes (or none).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from reserverat.errors import DocumentError, Problem, swedish_number
from reserverat.inputs import check_regular, os_problem

__all__ = ["MAX_XML_BYTES", "child", "children", "local_name", "namespace", "parse_xml", "text"]

MAX_XML_BYTES = 32 * 1024 * 1024
"""The largest XML document read by default (32 MiB); real ESPD responses are 1-2 MB."""


def _error(source: str, code: str, msg: str, sv: str, loc: str = "") -> DocumentError:
    return DocumentError([Problem(source, loc, code, msg, msg_sv=sv)])


def parse_xml(
    document: str | Path | bytes, *, source: str | None = None, max_bytes: int = MAX_XML_BYTES
) -> ET.Element:
    """Parse an XML file or bytes safely and return the root element.

    Raises:
        DocumentError: unreadable, empty, too large, not well-formed, or declaring
            entities, an external DTD or other external references (code ``xml_*``).
    """
    if isinstance(document, bytes):
        name = source or "<bytes>"
        data = document
    else:
        name = source or str(document)
        # The input boundary's check first: a regular file only (a FIFO would block).
        path = check_regular(document, DocumentError)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                raise _error(name, "too_large", *_too_large(size, max_bytes))
            data = path.read_bytes()
        except OSError as exc:
            raise DocumentError([os_problem(name, "unreadable", exc)]) from None
    if len(data) > max_bytes:
        raise _error(name, "too_large", *_too_large(len(data), max_bytes))
    if not data.strip():
        raise _error(name, "empty", "the file is empty", "filen är tom")
    try:
        root: ET.Element = fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DTDForbidden:
        # Parse once more, DTD allowed but not its entities, to say what the DTD tried.
        _entity_error(data, name)
        raise _error(
            name,
            "xml_dtd",
            "the document has a document type declaration (<!DOCTYPE>); DTDs are refused "
            "and never loaded (ESPD and eForms documents have none)",
            "dokumentet har en dokumenttypdeklaration (<!DOCTYPE>); sådana avvisas och läses "
            "aldrig in (ESPD- och eForms-dokument har ingen)",
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        msg = str(exc).split(":")[0]
        raise _error(
            name, "xml_malformed", msg, f"felaktig XML: {msg}", f"line {line} column {column + 1}"
        ) from None
    except (LookupError, ValueError) as exc:
        # An encoding Python does not know, or a multi-byte one expat cannot read (UTF-7).
        raise _error(
            name,
            "xml_encoding",
            f"the declared encoding cannot be read ({exc}); use UTF-8",
            f"den angivna teckenkodningen kan inte läsas ({exc}); använd UTF-8",
        ) from None
    except RecursionError:
        raise _error(
            name, "xml_malformed", "nested too deeply to read", "för djupt nästlad för att läsas"
        ) from None
    return root


def _entity_error(data: bytes, name: str) -> None:
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            raise _error(
                name,
                "xml_external_entity",
                f"the document declares entity {exc.name!r} that refers to "
                f"{exc.sysid or exc.pubid!r}; external entities are never loaded",
                f"dokumentet deklarerar entiteten {exc.name!r} som pekar på "
                f"{exc.sysid or exc.pubid!r}; externa entiteter läses aldrig in",
            ) from None
        raise _error(
            name,
            "xml_entity",
            f"the document declares entity {exc.name!r}; entity declarations are refused "
            "because they can expand without bound (the 'billion laughs' attack)",
            f"dokumentet deklarerar entiteten {exc.name!r}; entitetsdeklarationer avvisas "
            "eftersom de kan växa utan gräns (attacken 'billion laughs')",
        ) from None
    except ExternalReferenceForbidden as exc:
        raise _error(
            name,
            "xml_external_reference",
            f"the document refers to an external resource {exc.sysid or exc.pubid!r}; "
            "nothing is fetched",
            f"dokumentet pekar på en extern resurs {exc.sysid or exc.pubid!r}; inget hämtas",
        ) from None
    except ET.ParseError:
        return


def _too_large(size: int, limit: int) -> tuple[str, str]:
    return (
        f"the file is {size:,} bytes; the limit is {limit:,} bytes (max_bytes)",
        f"filen är {swedish_number(size)} byte; gränsen är {swedish_number(limit)} byte "
        "(max_bytes)",
    )


def namespace(element: ET.Element) -> str:
    """The namespace URI of an element's tag ('' when it has none)."""
    tag = element.tag
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def local_name(element: ET.Element) -> str:
    """An element's tag without its namespace."""
    tag = element.tag
    return tag[tag.index("}") + 1 :] if tag.startswith("{") else tag


def children(element: ET.Element, name: str, namespaces: Iterable[str]) -> Iterator[ET.Element]:
    """Direct children with this local name in one of these namespace URIs."""
    allowed = frozenset(namespaces)
    for item in element:
        if isinstance(item.tag, str) and local_name(item) == name and namespace(item) in allowed:
            yield item


def child(element: ET.Element, name: str, namespaces: Iterable[str]) -> ET.Element | None:
    """The first direct child with this local name in one of these namespaces, or None."""
    return next(children(element, name, namespaces), None)


def text(element: ET.Element | None) -> str | None:
    """An element's stripped text, or None when it is absent or blank."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None
