"""The residents' proposal form read into the API's body, and the API's refusal put back
under the form's own field names (gateway.pages.views.resident)."""

from contracts.supervision import public_code_for
from gateway.pages import render
from gateway.pages.views.resident import (
    STEPS,
    nested,
    number_or_text,
    proposal_body,
    proposal_errors,
)
from servicekit.errors import ValidationFailed
from werkzeug.datastructures import MultiDict


def test_numbers_typed_become_json_numbers_and_anything_else_goes_as_typed():
    assert number_or_text("3,500.5", scale=100) == 350050  # yuan -> fen
    assert number_or_text("1200") == 1200
    assert number_or_text("39.81", whole=False) == 39.81
    assert number_or_text("很多") == "很多"  # the API says what is wrong with it
    assert number_or_text("1.005", scale=100) == "1.005"  # not a whole number of fen
    assert number_or_text("NaN", whole=False) == "NaN"
    assert number_or_text(None) is None


def test_the_form_becomes_an_online_proposal_of_the_pages_area():
    form = MultiDict(
        {
            "title": " 修路 ",
            "description": "门前道路破损",
            "category": "基础设施",
            "location_text": "林荫街道",
            "lat": "",
            "lng": "109.99",
            "estimated_cost_yuan": "3500",
            "beneficiaries": "",
            "submitter_name": "",
            "area_code": "150622",  # not the form's to choose
            "channel": "deputy",
        }
    )
    assert proposal_body(form, "150602001") == {
        "title": "修路",
        "description": "门前道路破损",
        "category": "基础设施",
        "area_code": "150602001",
        "channel": "online",
        "location": {"text": "林荫街道", "lng": 109.99},
        "estimated_cost_fen": 350000,
    }


def test_the_apis_messages_land_on_the_forms_fields():
    refused = ValidationFailed(
        "请求参数有误",
        {
            "title": ["太短"],
            "location": {"text": ["必填"], "lat": ["范围"]},
            "estimated_cost_fen": ["应为整数"],
            "supporters": {"0": {"name": ["过长"]}},
        },
    )
    assert proposal_errors(refused) == {
        "title": ["太短"],
        "location_text": ["必填"],
        "lat": ["范围"],
        "estimated_cost_yuan": ["应为整数"],
        "supporters": ["过长"],
    }
    whole = proposal_errors(ValidationFailed("", {"location": ["缺少"]}))
    assert whole == {"location_text": ["缺少"]}


def test_the_area_list_becomes_a_tree():
    areas = [
        {"code": "1", "parent": None},
        {"code": "11", "parent": "1"},
        {"code": "111", "parent": "11"},
        {"code": "12", "parent": "1"},
    ]
    (root,) = nested(areas)
    assert [c["code"] for c in root["children"]] == ["11", "12"]
    assert root["children"][0]["children"][0]["code"] == "111"


def test_the_tracking_page_shows_the_project_once_there_is_one():
    tracked = {
        "tracking_code": "TABC-DEFG-HJKM",
        "title": "修缮广场",
        "category": "基础设施",
        "area_code": "150602001",
        "status": "adopted",
        "status_text": "已由人大代表票决通过 (adopted by the deputies' vote)",
        "outcome_reason": "群众需求迫切",
        "merged_into": None,
        "submitted_at": "2026-12-01T00:00:00+00:00",
    }
    project = {
        "project_id": "P-1",
        "status_text": "已立项 (made a livelihood project)",
        "progress_percent": "45.0",
        "standing": "lagging",
        "progress_as_of": "2027-05-01",
    }
    html = render.render(
        "resident/track.html",
        {
            "csrf_field": "csrf_token",
            "csrf_token": "t",
            "principal": None,
            "static": lambda name: f"/static/{name}",
            "path": "/t/TABC-DEFG-HJKM",
            "tracked": {**tracked, "project": project},
            "area_name": "林荫街道",
            "new": False,
            "steps": STEPS,
            "reached": 5,
            "ended": False,
            "project": project,
            "progress": 0.45,
            "standing": "慢序时",
        },
    )
    assert "已立项" in html and "慢序时" in html and "2027-05-01" in html
    assert 'value="0.45"' in html and "已票决通过" in html and "群众需求迫切" in html
    assert "不再进行" not in html and html.count("· 已到") == 5
    assert f'href="/p/{public_code_for("P-1")}"' in html  # on to the project's own page
