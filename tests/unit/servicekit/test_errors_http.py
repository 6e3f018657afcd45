"""servicekit.errors, servicekit.http.error_response and servicekit.validation: one error table,
one JSON envelope, and errors that survive the trip across nameko RPC."""

import json
import re

import pytest
from contracts import errors as codes
from contracts.fields import localize
from contracts.rpc import ProposalSubmit
from nameko.exceptions import RemoteError, deserialize, serialize
from servicekit import errors, validation
from servicekit.http import envelope, error_response
from werkzeug.exceptions import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

KINDS = [
    (errors.ServiceError, codes.INTERNAL),
    (errors.ValidationFailed, codes.VALIDATION_FAILED),
    (errors.Unauthenticated, codes.UNAUTHENTICATED),
    (errors.Forbidden, codes.FORBIDDEN),
    (errors.NotFound, codes.NOT_FOUND),
    (errors.Conflict, codes.CONFLICT),
    (errors.RuleViolation, codes.RULE_VIOLATION),
    (errors.RateLimited, codes.RATE_LIMITED),
    (errors.LevelUnavailable, codes.LEVEL_UNAVAILABLE),
    (errors.DatabaseUnavailable, codes.DATABASE_UNAVAILABLE),
]
KIND_IDS = [kind.__name__ for kind, _ in KINDS]
CJK_FIRST = re.compile(r"^[\u4e00-\u9fff]")


def body_of(response):
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


class TestErrorKinds:
    @pytest.mark.parametrize(("kind", "code"), KINDS, ids=KIND_IDS)
    def test_each_kind_has_its_code_and_http_status(self, kind, code):
        error = kind("出错了 (failed)")
        assert error.code == code
        assert error.status == codes.HTTP_STATUS[code]

    def test_every_servicekit_kind_is_listed_here(self):
        servicekit_kinds = {
            cls for cls in errors.ServiceError.__subclasses__() if cls.__module__ == errors.__name__
        }
        assert servicekit_kinds | {errors.ServiceError} == {kind for kind, _ in KINDS}

    def test_str_is_the_message_and_details_default_to_empty(self):
        error = errors.NotFound("没有找到 (not found)")
        assert str(error) == "没有找到 (not found)"
        assert error.details == {}


class TestErrorResponse:
    @pytest.mark.parametrize(("kind", "code"), KINDS, ids=KIND_IDS)
    def test_each_kind_becomes_the_json_envelope_with_its_status(self, kind, code):
        details = {"area_code": ["150622"]}
        response = error_response(kind("不行 (no)", details))
        assert response.status_code == codes.HTTP_STATUS[code]
        assert body_of(response) == {
            "error": {"code": code, "message": "不行 (no)", "details": details}
        }

    def test_chinese_text_is_sent_unescaped(self):
        response = error_response(errors.Forbidden("无权访问"))
        assert "无权访问" in response.get_data(as_text=True)

    def test_rate_limit_sends_retry_after(self):
        response = error_response(errors.RateLimited("请稍后再试", {"retry_after": 17}))
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "17"
        assert body_of(response)["error"]["details"] == {"retry_after": 17}

    def test_other_errors_send_no_retry_after(self):
        assert "Retry-After" not in error_response(errors.Conflict("冲突")).headers

    @pytest.mark.parametrize(
        ("exc", "status", "code"),
        [
            (RequestEntityTooLarge(), 413, codes.PAYLOAD_TOO_LARGE),
            (UnsupportedMediaType(), 415, codes.UNSUPPORTED_MEDIA_TYPE),
            (MethodNotAllowed(valid_methods=["GET"]), 405, codes.METHOD_NOT_ALLOWED),
            (NotFound(), 404, codes.NOT_FOUND),
            (BadRequest(), 400, codes.BAD_JSON),
        ],
        ids=["413", "415", "405", "404", "400"],
    )
    def test_werkzeug_errors_map_to_their_codes(self, exc, status, code):
        response = error_response(exc)
        assert response.status_code == status
        assert codes.HTTP_STATUS[code] == status
        error = body_of(response)["error"]
        assert error["code"] == code
        assert CJK_FIRST.match(error["message"])
        assert error["details"] == {}

    def test_an_unexpected_exception_is_a_500_without_its_text(self, caplog):
        secret = "password=hunter2 at /srv/minsheng/db"
        response = error_response(RuntimeError(secret))
        assert response.status_code == 500
        text = response.get_data(as_text=True)
        assert secret not in text
        assert "hunter2" not in text
        assert "RuntimeError" not in text
        assert body_of(response)["error"]["code"] == codes.INTERNAL
        # The operator still gets the exception, in the log.
        assert any(
            record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records
        )

    def test_envelope_defaults_details_to_an_empty_object(self):
        assert envelope("x", "y") == {"error": {"code": "x", "message": "y", "details": {}}}


class TestErrorsAcrossRpc:
    @pytest.mark.parametrize(("kind", "code"), KINDS, ids=KIND_IDS)
    def test_each_kind_round_trips_through_nameko_serialization(self, kind, code):
        sent = kind(
            "无权访问该地区的数据",
            {"area_code": "150602001", "required_roles": ["admin", "deputy"]},
        )
        wire = json.loads(json.dumps(serialize(sent)))  # what travels in the RPC reply
        received = deserialize(wire)
        assert type(received) is kind
        assert received.message == sent.message
        assert received.details == sent.details
        assert received.code == code

    def test_numbers_and_booleans_in_details_stay_what_they_are(self):
        details = {"present": 60, "quorum_needed": 61, "ratio": 0.5, "met": False, "gone": None}
        sent = errors.RuleViolation("未达到法定人数 (quorum not met)", details)

        received = deserialize(json.loads(json.dumps(serialize(sent))))

        assert received.details == details

    def test_a_kind_without_details_round_trips_with_empty_details(self):
        received = deserialize(json.loads(json.dumps(serialize(errors.NotFound("没有找到")))))
        assert isinstance(received, errors.NotFound)
        assert received.details == {}

    def test_an_unregistered_exception_arrives_as_remote_error(self):
        received = deserialize(json.loads(json.dumps(serialize(KeyError("x")))))
        assert isinstance(received, RemoteError)


class TestValidationLoad:
    VALID = {
        "title": "修缮广场",
        "description": "广场地砖破损，需要修缮。",
        "category": "基础设施",
        "area_code": "150602001",
        "location": {"text": "林荫街道广场"},
    }

    def test_a_valid_payload_loads_with_defaults(self):
        data = validation.load(ProposalSubmit, dict(self.VALID))
        assert data["channel"] == "online"
        assert data["estimated_cost_fen"] is None

    def test_a_schema_instance_works_like_the_class(self):
        assert validation.load(ProposalSubmit(), dict(self.VALID)) == validation.load(
            ProposalSubmit, dict(self.VALID)
        )

    def test_failures_are_per_field_and_chinese_first(self):
        bad = {**self.VALID, "category": "火箭", "estimated_cost_fen": "12", "bogus": 1}
        del bad["title"]
        with pytest.raises(errors.ValidationFailed) as caught:
            validation.load(ProposalSubmit, bad)
        details = caught.value.details
        assert set(details) == {"title", "category", "estimated_cost_fen", "bogus"}
        assert details["title"] == ["缺少必填字段 (required)"]
        assert details["bogus"] == ["未知字段 (unknown field)"]
        assert details["estimated_cost_fen"] == ["应为整数 (not an integer)"]
        for messages in details.values():
            for message in messages:
                assert CJK_FIRST.match(message), message
        assert CJK_FIRST.match(caught.value.message)
        assert caught.value.status == 400

    def test_nested_failures_are_localized_too(self):
        with pytest.raises(errors.ValidationFailed) as caught:
            validation.load(ProposalSubmit, {**self.VALID, "location": {"lat": 1.0}})
        assert caught.value.details["location"] == {"text": ["缺少必填字段 (required)"]}

    def test_schema_level_rules_report_on_their_field(self):
        with pytest.raises(errors.ValidationFailed) as caught:
            validation.load(ProposalSubmit, {**self.VALID, "channel": "deputy"})
        assert set(caught.value.details) == {"deputy_name", "liaison_station"}
        assert CJK_FIRST.match(caught.value.details["deputy_name"][0])

    @pytest.mark.parametrize("payload", [[], "text", None, 42])
    def test_a_body_that_is_not_an_object_is_refused(self, payload):
        with pytest.raises(errors.ValidationFailed) as caught:
            validation.load(ProposalSubmit, payload)
        assert CJK_FIRST.match(caught.value.message)

    def test_localize_passes_unknown_messages_through(self):
        messages = {
            "a": ["Missing data for required field.", "自定义"],
            "b": {"c": ["Unknown field."]},
        }
        assert localize(messages) == {
            "a": ["缺少必填字段 (required)", "自定义"],
            "b": {"c": ["未知字段 (unknown field)"]},
        }
