"""The gateway's treasury and open-data routes over real HTTP (tests.support.gateway: a
recording fake stands in for the implementation service). Pins which method each route calls
at which level, the gateway's own refusals (401/403 before the call, 400 for a malformed body,
404 for a malformed reconciliation id) and the open data answered as a zip to anyone."""

import base64

import pytest
from servicekit.auth import Principal

from tests.support import gateway as support
from tests.support.gateway import envelope, running_gateway
from tests.support.treasury import BANNER_FINANCE, FINANCE, OTHER_FINANCE, csv_file, payment

ZIPPED = {
    "file_name": "民生实事项目资金_准格尔旗_2026_fiscal-data-package.zip",
    "ascii_file_name": "minsheng-funds-150622-2026.zip",
    "content_type": "application/zip",
    "content_base64": base64.b64encode(b"PK\x05\x06" + b"\x00" * 18).decode("ascii"),
}
IMPORT = {
    "area_code": "150622100",
    "year": 2026,
    "format": "csv",
    "content": csv_file([payment("P1", "V1", "10.00")]),
}
REPORT = "/api/v1/reconciliations/B-" + "c" * 32


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path) as gateway:
        gateway.fake.replies.update(export_fiscal_data=ZIPPED)
        yield gateway


def post_import(gateway, principal: Principal, body: dict) -> object:
    return gateway.request(
        "post", "/api/v1/treasury-imports", json=body, headers=support.bearer(principal)
    )


class TestTreasuryImport:
    def test_finance_staff_import_at_the_areas_level(self, gateway):
        response = post_import(gateway, FINANCE, IMPORT)
        assert response.status_code == 201, response.text
        (call,) = gateway.calls
        assert (call.level, call.method, call.args) == (
            "township",
            "import_treasury_payments",
            (IMPORT,),
        )

    @pytest.mark.parametrize(
        "principal",
        [Principal("gov-1", ("government_staff",), "150622100"), OTHER_FINANCE],
        ids=["not finance", "another banner"],
    )
    def test_others_are_refused_before_the_call(self, gateway, principal):
        assert envelope(post_import(gateway, principal, IMPORT), 403)
        assert gateway.calls == []

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"format": "xlsx"}, "format"), ({"content": 12}, "content"), ({"year": "x"}, "year")],
    )
    def test_a_malformed_body_is_400_naming_the_field(self, gateway, change, field):
        error = envelope(post_import(gateway, FINANCE, {**IMPORT, **change}), 400)
        assert field in error["details"] and gateway.calls == []

    def test_a_reconciliation_on_demand_goes_to_the_areas_level(self, gateway):
        response = gateway.request(
            "post",
            "/api/v1/reconciliations",
            json={"area_code": "150622", "year": 2026},
            headers=support.bearer(BANNER_FINANCE),
        )
        assert response.status_code == 201
        assert [(c.level, c.method) for c in gateway.calls] == [("banner", "reconcile_treasury")]


class TestReports:
    def test_a_report_is_read_at_the_level_its_id_names(self, gateway):
        for path, method in ((REPORT, "get_reconciliation"), (f"{REPORT}/export", None)):
            gateway.request("get", path, headers=support.bearer(BANNER_FINANCE))
            assert gateway.calls[-1].level == "banner"
            assert gateway.calls[-1].method == (method or "export_reconciliation")

    @pytest.mark.parametrize("bad", ["X-" + "c" * 32, "B-" + "C" * 32, "B-123", "T-" + "c" * 33])
    def test_a_malformed_id_is_404_without_a_call(self, gateway, bad):
        response = gateway.request(
            "get", f"/api/v1/reconciliations/{bad}", headers=support.bearer(FINANCE)
        )
        assert envelope(response, 404) and gateway.calls == []

    def test_a_deputy_may_not_read_a_report(self, gateway):
        deputy = Principal("dep-1", ("deputy",), "150622100")
        response = gateway.request("get", REPORT, headers=support.bearer(deputy))
        assert envelope(response, 403) and gateway.calls == []


class TestOpenData:
    def test_anyone_downloads_the_package_as_a_zip(self, gateway):
        response = gateway.request(
            "get", "/api/v1/open-data/funds", params={"area_code": "150622", "year": "2026"}
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/zip"
        assert "minsheng-funds-150622-2026.zip" in response.headers["Content-Disposition"]
        assert response.content.startswith(b"PK")
        (call,) = gateway.calls
        assert (call.level, call.args) == ("banner", ({"area_code": "150622", "year": 2026},))
        assert not call.principal.authenticated

    @pytest.mark.parametrize(
        "params",
        [{"year": "2026"}, {"area_code": "150622", "year": "二〇二六"}, {"area_code": "1"}],
    )
    def test_a_bad_query_is_400(self, gateway, params):
        response = gateway.request("get", "/api/v1/open-data/funds", params=params)
        assert envelope(response, 400) and gateway.calls == []
