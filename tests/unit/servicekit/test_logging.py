"""servicekit.logging.JsonFormatter: one JSON object per line, with the request id, and
secrets masked."""

import contextvars
import io
import json
import logging

import pytest
from servicekit.logging import JsonFormatter, request_id_var


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
