"""The gateway's inspection, finding, rectification and look-back routes over real HTTP (a
recording fake stands in for supervision): which method each route calls at which level, and
the gateway's own refusals before any call (401/403 for roles and areas, 400 for a malformed
body, 404 for a malformed id)."""

import pytest

from tests.support import gateway as support
from tests.support import supervision_inspections as s
from tests.support.gateway import envelope, running_gateway

HEX = "a" * 32
INSPECTION = {
    "area_code": s.AREA,
    "kind": "inspection",
    "cadence": "quarterly",
    "held_on": "2026-05-12",
    "group_id": f"T-{HEX}",
    "title": "二季度集中督查",
    "project_ids": [f"T-{HEX}"],
    "methods": ["video"],
}


@pytest.fixture
def gateway(monkeypatch, tmp_path):
    with running_gateway(monkeypatch, tmp_path, max_body_bytes=65536) as gateway:
        yield gateway


def call(gateway, method, path, principal, **kwargs):
    headers = {**support.bearer(principal), **kwargs.pop("headers", {})}
    return gateway.request(method, path, headers=headers, **kwargs)


class TestInspections:
    def test_a_member_records_at_the_areas_level_with_the_key(self, gateway):
        response = call(
            gateway,
            "post",
            "/api/v1/inspections",
            s.MEMBER,
            json=INSPECTION,
            headers={"Idempotency-Key": "insp-1"},
        )
        assert response.status_code == 201, response.text
        (made,) = gateway.calls
        assert (made.service, made.level, made.method) == (
            "supervision",
            "township",
            "record_inspection",
        )
        assert made.args == (INSPECTION, "insp-1")

    @pytest.mark.parametrize("principal", [s.EVALUATOR, s.SOCIAL, s.GOVERNMENT])
    def test_evaluators_social_supervisors_and_government_are_refused_first(
        self, gateway, principal
    ):
        envelope(call(gateway, "post", "/api/v1/inspections", principal, json=INSPECTION), 403)
        envelope(call(gateway, "get", f"/api/v1/inspections?area_code={s.AREA}", principal), 403)
        assert gateway.calls == []

    def test_without_login_it_is_a_401(self, gateway):
        envelope(gateway.request("post", "/api/v1/inspections", json=INSPECTION), 401)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"kind": "picnic"}, "kind"),
            ({"methods": []}, "methods"),
            ({"participants": [{"name": "张三", "kind": "resident"}]}, "participants"),
            ({"held_on": "May"}, "held_on"),
        ],
    )
    def test_a_malformed_body_is_a_400_naming_the_field(self, gateway, change, field):
        body = {**INSPECTION, **change}
        error = envelope(call(gateway, "post", "/api/v1/inspections", s.MEMBER, json=body), 400)
        assert field in error["details"] and gateway.calls == []

    def test_one_is_read_at_the_level_its_id_names(self, gateway):
        assert call(gateway, "get", f"/api/v1/inspections/B-{HEX}", s.CONGRESS).ok
        assert [(c.level, c.method, c.args) for c in gateway.calls] == [
            ("banner", "get_inspection", (f"B-{HEX}",))
        ]
        envelope(call(gateway, "get", "/api/v1/inspections/X-1", s.CONGRESS), 404)
        assert len(gateway.calls) == 1


class TestFindingsAndRectifications:
    def test_a_clerk_of_another_township_is_refused_before_the_call(self, gateway):
        path = f"/api/v1/findings?area_code={s.AREA}"
        envelope(call(gateway, "get", path, s.GOVERNMENT_OTHER), 403)
        envelope(
            call(gateway, "get", path.replace("findings", "rectifications"), s.GOVERNMENT_OTHER),
            403,
        )
        assert call(gateway, "get", path, s.DEPT).ok
        assert [(c.level, c.method) for c in gateway.calls] == [("township", "list_findings")]

    def test_a_finding_raised_goes_to_its_projects_level(self, gateway):
        body = {"project_id": f"T-{HEX}", "text": "台账缺失"}
        assert call(gateway, "post", "/api/v1/findings", s.CONGRESS, json=body).status_code == 201
        error = envelope(
            call(gateway, "post", "/api/v1/findings", s.CONGRESS, json={**body, "project_id": "Q"}),
            400,
        )
        assert "project_id" in error["details"]
        assert [(c.level, c.method) for c in gateway.calls] == [
            ("township", "raise_project_finding")
        ]

    def test_rectification_and_look_back_go_to_the_level_of_their_ids(self, gateway):
        body = {"group_id": f"T-{HEX}", "due_date": "2026-06-30"}
        path = f"/api/v1/findings/T-{HEX}/rectification"
        assert call(gateway, "post", path, s.MEMBER, json=body).status_code == 201
        look = {"outcome": "partly", "note": "部分整改", "new_due_date": "2026-08-31"}
        path = f"/api/v1/rectifications/T-{HEX}/lookbacks"
        assert call(gateway, "post", path, s.MEMBER, json=look).status_code == 201
        assert [(c.method, c.args[0]) for c in gateway.calls] == [
            ("request_rectification", f"T-{HEX}"),
            ("record_lookback", f"T-{HEX}"),
        ]
        error = envelope(call(gateway, "post", path, s.MEMBER, json={**look, "outcome": "ok"}), 400)
        assert "outcome" in error["details"]
        envelope(call(gateway, "post", path, s.GOVERNMENT, json=look), 403)
        envelope(
            call(gateway, "post", "/api/v1/rectifications/T-1/lookbacks", s.MEMBER, json=look), 404
        )
        assert len(gateway.calls) == 2

    def test_the_round_limit_is_congress_staffs(self, gateway):
        body = {"area_code": s.BANNER, "max_rounds": 2}
        path = "/api/v1/supervision/rectification-rounds"
        envelope(call(gateway, "put", path, s.MEMBER, json=body), 403)
        envelope(call(gateway, "put", path, s.CONGRESS, json={**body, "max_rounds": 0}), 400)
        assert call(gateway, "put", path, s.CONGRESS, json=body).ok
        assert [(c.level, c.method) for c in gateway.calls] == [
            ("banner", "set_rectification_rounds")
        ]
