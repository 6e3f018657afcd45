"""The petition pages' form helpers: a flat form into the API's nested body, and the API's
nested per-field messages back onto the flat fields."""

from gateway.pages.views.petition import MATTER_FIELDS, errors_by_field, nested_body
from gateway.pages.views.workbench import action_body, split_list


def test_blank_fields_are_left_out_and_nested_ones_go_under_their_parent():
    typed = {"text": " 路灯坏了很久 ", "place": "迎宾路", "resident_name": "", "title": ""}
    assert nested_body(typed, MATTER_FIELDS) == {
        "text": "路灯坏了很久",
        "location": {"text": "迎宾路"},
    }


def test_nested_messages_land_on_their_flat_fields():
    details = {
        "location": {"text": ["必填"]},
        "resident": {"phone": ["电话号码格式不正确"]},
        "text": ["至少 5 个字"],
    }
    assert errors_by_field(details, MATTER_FIELDS) == {
        "place": ["必填"],
        "resident_phone": ["电话号码格式不正确"],
        "text": ["至少 5 个字"],
    }


def test_a_message_for_a_whole_object_lands_on_its_first_field_else_the_form():
    details = {"location": ["必填"], "code": ["代表码不存在"]}
    assert errors_by_field(details, MATTER_FIELDS) == {
        "place": ["必填"],
        "_schema": ["代表码不存在"],
    }


def test_an_action_takes_only_its_own_fields_with_lists_split_and_days_a_number():
    typed = {"days": "15", "reason": "需要部门会商", "result": "不属于延期"}
    assert action_body("extend", typed) == {"days": 15, "reason": "需要部门会商"}
    joint = {"tier": "joint", "method": "assist", "departments": "住建局、交通运输局",
             "meeting_attendees": "王建国，赵桂兰, 李明", "meeting_place": "联络站"}  # fmt: skip
    assert action_body("tier", joint) == {
        "tier": "joint",
        "method": "assist",
        "departments": ["住建局", "交通运输局"],
        "meeting": {"place": "联络站", "attendees": ["王建国", "赵桂兰", "李明"]},
    }


def test_split_list_reads_every_comma():
    assert split_list("甲、乙，丙,丁、 ") == ["甲", "乙", "丙", "丁"]
