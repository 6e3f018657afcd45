"""gateway.table: what a route declaration derives (path, parameters, arguments, statuses),
the declarations it refuses, and how a query string is typed for its schema."""

import pytest
from contracts.fields import StrictSchema, bounded_int, text
from gateway.table import Area, CallerArea, Letter, Route
from gateway.table.handle import query_of
from gateway.table.mount import unique
from servicekit.errors import ValidationFailed
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

SESSION = Letter("path", "session_id", lambda s: "city" if s[:1] == "C" else None, "没有 (none)")


class Body(StrictSchema):
    title = text(1, 10, required=True)


class Query(StrictSchema):
    q = text(1, 10)
    year = bounded_int(2018, 2100)


def call(rule="/x/<string:session_id>", **kwargs):
    options = {"service": "voting", "where": SESSION, "roles": frozenset({"deputy"}), **kwargs}
    return Route("post", rule, "do_it", "做 (do)", **options)


def request(query: str) -> Request:
    return Request(EnvironBuilder(path="/x", query_string=query).get_environ())


class TestDerived:
    def test_the_path_is_written_as_openapi_writes_it(self):
        route = call("/s/<string:session_id>/p/<int:sheet>/export.<any(json, csv):fmt>")
        assert route.path == "/s/{session_id}/p/{sheet}/export.{fmt}"
        params = {param.name: param for param in route.params}
        assert params["sheet"].converter == "int"
        assert params["fmt"].choices == ("json", "csv")

    def test_the_call_gets_path_values_query_body_and_key_in_that_order(self):
        route = call("/x/<string:session_id>/<int:n>", query=Query, body=Body, idempotent=True)
        assert route.arg_names == ("session_id", "n", "query", "body", "idempotency_key")
        assert call(args=("session_id",), body=Body).arg_names == ("session_id",)

    def test_statuses_follow_from_what_the_route_declares(self):
        assert call(body=Body, refuses=(422,)).statuses() == (
            400, 401, 403, 404, 408, 413, 415, 422, 503
        )  # fmt: skip
        public = call(roles=None, where=Area.query(scoped=False), rule="/x", query=Query)
        assert public.statuses() == (400, 503)
        assert call(roles=None, public_limit=True).statuses() == (400, 404, 429, 503)
        assert 409 in call(body=Body, idempotent=True).statuses()

    def test_a_token_is_optional_where_it_can_change_the_answer(self):
        assert call(roles=None, refuses=(401, 403)).optional_login
        scoped = Area.body(scoped=lambda body: body["channel"] != "online")
        assert call(roles=None, rule="/x", where=scoped, body=Body).optional_login
        assert not call(roles=None).optional_login


class TestRefusedDeclarations:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"service": None},
            {"where": None},
            {"handler": lambda exchange: None},
            {"roles": None, "where": CallerArea()},
        ],
        ids=["no service", "no where", "rpc and handler", "caller's area without login"],
    )
    def test_an_incomplete_call_is_refused_when_declared(self, kwargs):
        with pytest.raises(ValueError, match="bad route"):
            call(**kwargs)

    def test_a_method_is_lower_case(self):
        with pytest.raises(ValueError, match="lower case"):
            Route("POST", "/x", None, "x", name="x", handler=lambda exchange: None)

    def test_two_routes_of_one_name_or_path_are_refused(self):
        first = call()
        with pytest.raises(ValueError, match="twice"):
            unique([first, call(name="do_it")])
        with pytest.raises(ValueError, match="twice"):
            unique([first, call(name="other")])
        assert unique([first, call(rule="/y/<string:session_id>", name="other")])


class TestQueryOf:
    def test_digits_of_an_integer_field_become_an_integer(self):
        assert query_of(request("year=2027&q=12"), Query) == {"year": 2027, "q": "12"}

    @pytest.mark.parametrize(
        "value", ["last", "%C2%B2", "%D9%A3", "-1", "9" * 19], ids=["word", "²", "٣", "-1", "19"]
    )
    def test_anything_but_ascii_digits_in_an_integer_field_is_refused_naming_it(self, value):
        # "²" passes isdigit() and int() refuses it; "٣" passes isdecimal() and int() reads 3.
        with pytest.raises(ValidationFailed) as refused:
            query_of(request(f"year={value}&q=x"), Query)
        assert list(refused.value.details) == ["year"]

    def test_parameters_the_schema_does_not_read_are_left_out(self):
        assert query_of(request("other=1"), Query) == {}
