"""servicekit.logging.JsonFormatter: one JSON object per line, with the request id, and
secrets masked."""

import contextvars
import io
import json
import logging

import pytest
from servicekit.errors import Conflict, LevelUnavailable
from servicekit.http import JsonHttpEntrypoint
from servicekit.logging import JsonFormatter, QuietRefusals, request_id_var, status_of
from servicekit.rpc import ReplyTolerantRpc
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType


@pytest.fixture
def capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("minsheng.test.jsonformatter")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def in_request(request_id, action):
    def run():
        request_id_var.set(request_id)
        action()

    contextvars.copy_context().run(run)


class TestJsonFormatter:
    def test_each_record_is_one_json_object_per_line(self, capture):
        logger, stream = capture
        logger.info("第一行\nsecond line")
        logger.warning("again %s", 42)
        records = lines(stream)
        assert len(records) == 2
        assert records[0]["msg"] == "第一行\nsecond line"
        assert records[1]["msg"] == "again 42"
        assert records[1]["level"] == "warning"
        assert records[1]["logger"] == "minsheng.test.jsonformatter"

    def test_carries_the_request_id_of_the_context(self, capture):
        logger, stream = capture
        in_request("req-abc-123", lambda: logger.info("inside"))
        logger.info("outside")
        inside, outside = lines(stream)
        assert inside["request_id"] == "req-abc-123"
        assert outside["request_id"] is None

    def test_an_explicit_request_id_wins(self, capture):
        logger, stream = capture
        in_request("from-context", lambda: logger.info("x", extra={"request_id": "explicit-1"}))
        assert lines(stream)[0]["request_id"] == "explicit-1"

    @pytest.mark.parametrize(
        "field",
        [
            "password",
            "new_password",
            "access_token",
            "TOKEN",
            "submitter_phone",
            "phone",
            "client_secret",
        ],
    )
    def test_sensitive_extra_fields_are_masked(self, capture, field):
        logger, stream = capture
        logger.info("login", extra={field: "hunter2-13800000000"})
        assert lines(stream)[0][field] == "***"
        assert "hunter2" not in stream.getvalue()

    def test_other_extra_fields_are_kept(self, capture):
        logger, stream = capture
        logger.info("submitted", extra={"area_code": "150622100", "count": 3})
        record = lines(stream)[0]
        assert record["area_code"] == "150622100"
        assert record["count"] == 3

    def test_the_exception_is_included_on_the_same_line(self, capture):
        logger, stream = capture
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
        (record,) = lines(stream)
        assert "ValueError: boom" in record["exc"]

    def test_values_that_are_not_json_are_stringified(self, capture):
        logger, stream = capture
        logger.info("odd", extra={"where": object()})
        assert lines(stream)[0]["where"].startswith("<object object")

    def test_timestamps_are_utc(self, capture):
        logger, stream = capture
        logger.info("t")
        assert lines(stream)[0]["ts"].endswith("+00:00")


class TestQuietRefusals:
    def test_an_expected_error_is_one_info_line_without_traceback(self, capture):
        logger, stream = capture
        logger.addFilter(QuietRefusals())
        try:
            raise Conflict("该选票凭证已经投过票 (token already used)")
        except Conflict as exc:
            logger.warning("(expected) error handling worker %s: %s", "w", exc, exc_info=True)

        [line] = lines(stream)
        assert line["level"] == "info"
        assert "exc" not in line
        assert "token already used" in line["msg"]

    @pytest.mark.parametrize(
        "refusal", [RequestEntityTooLarge, UnsupportedMediaType], ids=["413", "415"]
    )
    def test_a_body_werkzeug_refuses_is_one_info_line_like_every_4xx(self, capture, refusal):
        logger, stream = capture
        logger.addFilter(QuietRefusals())
        try:
            raise refusal()
        except refusal as exc:
            logger.warning("(expected) error handling worker %s: %s", "w", exc, exc_info=True)

        [line] = lines(stream)
        assert line["level"] == "info"
        assert "exc" not in line

    @pytest.mark.parametrize(
        ("error", "status"),
        [
            (Conflict("x"), 409),
            (LevelUnavailable("x"), 503),
            (RequestEntityTooLarge(), 413),
            (UnsupportedMediaType(), 415),
            (KeyError("x"), 500),
            (None, 500),
        ],
        ids=["service-error", "service-5xx", "413", "415", "other", "none"],
    )
    def test_status_of_reads_a_service_error_or_werkzeug(self, error, status):
        assert status_of(error) == status

    def test_an_expected_unavailable_level_stays_a_warning_on_one_line(self, capture):
        logger, stream = capture
        logger.addFilter(QuietRefusals())
        try:
            raise LevelUnavailable("旗区级服务暂不可用 (unavailable)")
        except LevelUnavailable as exc:
            logger.warning("(expected) error handling worker %s: %s", "w", exc, exc_info=True)

        [line] = lines(stream)
        assert line["level"] == "warning"
        assert "exc" not in line

    def test_an_unexpected_error_keeps_its_level_and_traceback(self, capture):
        logger, stream = capture
        logger.addFilter(QuietRefusals())
        try:
            raise KeyError("boom")
        except KeyError as exc:
            logger.exception("error handling worker %s: %s", "<worker>", exc)

        [line] = lines(stream)
        assert line["level"] == "error"
        assert "KeyError" in line["exc"]

    @pytest.mark.parametrize(
        "entrypoint",
        [
            ReplyTolerantRpc(expected_exceptions=KeyError),
            JsonHttpEntrypoint("GET", "/x", expected_exceptions=KeyError),
        ],
        ids=["rpc", "http"],
    )
    def test_entrypoints_expect_service_errors_and_what_they_name(self, entrypoint):
        assert issubclass(Conflict, entrypoint.expected_exceptions)
        assert issubclass(KeyError, entrypoint.expected_exceptions)
        assert not issubclass(ValueError, entrypoint.expected_exceptions)

    def test_http_entrypoints_expect_the_bodies_werkzeug_refuses(self):
        expected = JsonHttpEntrypoint("POST", "/x").expected_exceptions
        assert issubclass(RequestEntityTooLarge, expected)
        assert issubclass(UnsupportedMediaType, expected)
