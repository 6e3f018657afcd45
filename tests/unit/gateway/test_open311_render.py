"""Open311 rendering (gateway.open311): XML with its declaration and the spec's element names,
escaped by xml.etree; the spec's error lists from every kind of refusal."""

import json
from xml.etree import ElementTree as ET

import pytest
from gateway.open311 import refusal, render
from servicekit.errors import Forbidden, NotFound, RateLimited, ValidationFailed
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

REQUEST = Request(EnvironBuilder(path="/open311/v2/requests.xml").get_environ())


def test_xml_has_the_declaration_and_the_item_names_of_the_spec():
    text = render.xml_text("service_requests", [{"service_request_id": "1", "lat": 1.5}])
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode())
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert root[0].find("lat").text == "1.5"
    formats = ET.fromstring(render.xml_text("x", {"formats": ["text/xml", "application/json"]}))
    assert [f.tag for f in formats.find("formats")] == ["format", "format"]


def test_markup_is_escaped_control_characters_dropped_none_empty_booleans_words():
    text = render.xml_text(
        "service", {"description": "<b>&'\"</b>\x01", "metadata": False, "zipcode": None}
    )
    assert "<b>" not in text and "&lt;b&gt;&amp;" in text and "\x01" not in text
    root = ET.fromstring(text.encode())
    assert root.find("description").text == "<b>&'\"</b>"
    assert root.find("metadata").text == "false" and root.find("zipcode").text is None


def test_json_answers_are_utf8_json_with_markup_escaped():
    response = render.answer("json", "services", [{"name": "<x>教育"}])
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.get_data(as_text=True)) == [{"name": "<x>教育"}]
    assert "<x>" not in response.get_data(as_text=True)
    xml = render.answer("xml", "services", [])
    assert xml.headers["Content-Type"] == "text/xml; charset=utf-8"


def errors(response):
    return json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (Forbidden("api_key 无效"), 403),
        (NotFound("没有这个服务"), 404),
        (ValidationFailed("有误", {"start_date": ["应带时区"], "status": ["未知"]}), 400),
        (RateLimited("太快", {"retry_after": 7}), 429),
        (RequestEntityTooLarge(), 413),
        (UnsupportedMediaType(), 415),
    ],
)
def test_every_refusal_is_the_spec_error_list_with_its_status(exc, status):
    response = refusal.refuse(REQUEST, {"format": "json"}, exc)
    assert response.status_code == status
    found = errors(response)
    assert found and all(set(e) == {"code", "description"} and e["code"] == status for e in found)
    if status == 400:
        assert [e["description"] for e in found] == ["start_date: 应带时区", "status: 未知"]
    if status == 429:
        assert response.headers["Retry-After"] == "7"


def test_xml_errors_and_an_unknown_format_falls_back_to_json():
    response = refusal.refuse(REQUEST, {"format": "xml"}, Forbidden("无效"))
    root = ET.fromstring(response.get_data())
    assert root.tag == "errors" and root[0].tag == "error"
    assert (root[0].find("code").text, root[0].find("description").text) == ("403", "无效")
    assert errors(refusal.refuse(REQUEST, {}, NotFound("x")))[0]["code"] == 404


def test_anything_but_a_refusal_goes_on_up():
    with pytest.raises(KeyError):
        refusal.refuse(REQUEST, {"format": "json"}, KeyError("bug"))
