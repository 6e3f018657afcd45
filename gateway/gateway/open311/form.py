"""What an Open311 client sends: form fields in a POST (application/x-www-form-urlencoded, as
the spec has it, or multipart), query parameters in a GET. Only the fields the service reads
are passed on, an empty value is an absent one, and a field sent twice is read once (the
first); `attribute[...]` and anything else are left out."""

from typing import Any

from marshmallow import Schema
from servicekit.validation import instance_of
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.wrappers import Request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _known(source: MultiDict[str, str], schema: type[Schema]) -> dict[str, Any]:
    names = instance_of(schema).fields
    return {name: source[name] for name in names if source.get(name)}


def posted(request: Request, schema: type[Schema]) -> dict[str, Any]:
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType()
    fields = _known(request.form, schema)
    if "api_key" not in fields and request.args.get("api_key"):
        fields["api_key"] = request.args["api_key"]  # some clients put it in the query
    return fields


def asked(request: Request, schema: type[Schema]) -> dict[str, Any]:
    return _known(request.args, schema)
