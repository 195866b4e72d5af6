"""Parsing XML from strangers: no DTD, no entities, no network, bounded depth.

lxml's parser is told never to resolve entities or fetch anything; a document that carries a DOCTYPE at
all is refused, which disposes of external entities, billion laughs and quadratic blow-up in one rule.
"""

from __future__ import annotations

from lxml import etree

from stockgate.domain.errors import InvalidInput

MAX_DEPTH = 32

_parser = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


# True when some element sits MAX_DEPTH + 1 levels down (the root is level 1).
_too_deep = etree.XPath("boolean(/" + "/*" * (MAX_DEPTH + 1) + ")")


def parse_xml(body: bytes) -> etree._Element:
    """The document's root element, or InvalidInput naming what is wrong (never echoing content)."""
    if b"<!DOCTYPE" in body or b"<!doctype" in body or b"<!ENTITY" in body:
        raise InvalidInput("body", "XML with a DOCTYPE or entity declaration is not accepted")
    try:
        root = etree.fromstring(body, parser=_parser)
    except etree.XMLSyntaxError:
        raise InvalidInput("body", "malformed XML") from None
    # The byte check above misses other encodings (UTF-16); the parsed tree does not.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise InvalidInput("body", "XML with a DOCTYPE is not accepted")
    # One XPath step per level, evaluated in C: a walk in Python over every element of a 1 MiB body
    # would cost a tenth of a second.
    if _too_deep(root):
        raise InvalidInput("body", f"XML nested deeper than {MAX_DEPTH} levels")
    return root
