"""Open311 answers in the format the path names: JSON as the records are, or XML built with
xml.etree (every text escaped by it), UTF-8 with its declaration, lists as the spec's element
names (services/service, service_requests/request, errors/error, …).

XML 1.0 cannot carry most control characters, escaped or not; text fields refuse them on the
way in, and any that reach here are dropped rather than make a document no parser reads.
"""

import re
from typing import Any
from xml.etree import ElementTree as ET

from servicekit.http import json_response
from werkzeug.wrappers import Response

JSON, XML = "json", "xml"
FORMATS = (JSON, XML)
XML_TYPE = "text/xml; charset=utf-8"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# The element of one item of each list the spec has.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def element(tag: str, value: Any) -> ET.Element:
    node = ET.Element(tag)
    if isinstance(value, dict):
        for key, child in value.items():
            node.append(element(key, child))
    elif isinstance(value, list | tuple):
        item = ITEMS.get(tag, "item")
        for child in value:
            node.append(element(item, child))
    else:
        node.text = text_of(value)
    return node


def xml_text(root: str, value: Any) -> str:
    return DECLARATION + ET.tostring(element(root, value), encoding="unicode")


def answer(
    fmt: str, root: str, value: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """`value` (a list for `root` services / service_requests / …, a dict otherwise)."""
    if fmt == XML:
        response = Response(xml_text(root, value), status=status, headers=headers)
        response.headers["Content-Type"] = XML_TYPE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    response = json_response(status, value, headers)
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    return response
