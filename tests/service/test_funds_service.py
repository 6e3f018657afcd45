"""Project money through implementation's entrypoints on SQLite: budgets by fund source with
versions, special fund pools drawn on and refused beyond what is left, disbursements and
payments refused beyond budget with the figures, warnings raised and resolved as money and
progress move, warning rules as versioned data, and every refusal of roles and areas."""

import json

import pytest
from implementation.db.models import FeedRecord, FundWarning
from servicekit.auth import Principal
from servicekit.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from sqlalchemy import func, select

from tests.service.test_projects_service import created, events, planned, worker
from tests.support import projects as p
from tests.support.workers import migrated_sessions

FINANCE = Principal("fin-1", ("finance_staff",), p.AREA)
BANNER_FINANCE = Principal("fin-b", ("finance_staff",), "150622")
OTHER_FINANCE = Principal("fin-2", ("finance_staff",), "150602")
ADMIN = Principal("admin-1", ("admin",), "1506")
WAN = 1_000_000  # fen in 1 万元


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def finance(sessions, principal: Principal = FINANCE):
    return worker(sessions, principal)


def budget(amounts: dict[str, int], pro_code: str = "150622260000000001", **more) -> dict:
    return {"amounts": amounts, "pro_code": pro_code, "reason": "年初预算", **more}


def flow(voucher: str, amount: int, source: str = "own_fiscal", kind: str = "disbursement"):
    return {
        "kind": kind,
        "source": source,
        "amount_fen": amount,
        "flow_date": "2026-07-20",
        "voucher_no": voucher,
        "payee": "薛家湾镇人民政府",
    }


def two_planned(sessions) -> tuple[str, str]:
    first, second = (row["id"] for row in created(sessions, 2, 0))
    for project_id in (first, second):
        worker(sessions).put_plan(project_id, p.plan())
    return first, second


def budgeted(sessions, amounts: dict[str, int] | None = None) -> str:
    project_id = planned(sessions)
    finance(sessions).put_budget(project_id, budget(amounts or {"own_fiscal": 100 * WAN}))
    return project_id


def open_warnings(sessions, project_id: str) -> dict[str, dict]:
    page = finance(sessions).list_warnings({"area_code": p.AREA, "project_id": project_id})
    return {w["rule_code"] + "/" + w["scope"]: w for w in page["items"]}


class TestBudgets:
    def test_a_budget_is_versioned_with_what_changed_and_keyed_for_finance(self, sessions):
        project_id = planned(sessions)
        first = finance(sessions).put_budget(
            project_id, budget({"own_fiscal": 80 * WAN, "social": 20 * WAN})
        )
        assert first["summary"]["budget_fen"] == 100 * WAN
        assert first["summary"]["mof_div_code"] == "150622"  # the county's code by default
        assert first["summary"]["budget_version"] == 1
        adjusted = finance(sessions).put_budget(
            project_id, budget({"own_fiscal": 70 * WAN, "social": 20 * WAN}, reason="压减")
        )
        assert [v["version"] for v in adjusted["budgets"]] == [2, 1]
        assert adjusted["budgets"][0]["change"] == "本级财政 -10.00 万元"
        assert adjusted["budgets"][0]["reason"] == "压减"
        again = finance(sessions).put_budget(
            project_id, budget({"own_fiscal": 70 * WAN, "social": 20 * WAN}, reason="重复提交")
        )
        assert again["summary"]["budget_version"] == 2  # unchanged: no third version

    def test_the_project_detail_and_public_page_carry_the_totals(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 45 * WAN))
        detail = worker(sessions).get_project(project_id)
        assert detail["funds"]["budget_fen"] == 100 * WAN
        assert detail["funds"]["disbursed_fen"] == 45 * WAN
        assert detail["funds"]["spend_percent"] == "45.0"
        public = worker(sessions).get_public_project(project_id)
        assert (public["budget_fen"], public["disbursed_fen"]) == (100 * WAN, 45 * WAN)
        assert "payee" not in json.dumps(public)

    def test_a_finance_key_maps_to_one_project_a_year(self, sessions):
        first, second = two_planned(sessions)
        finance(sessions).put_budget(first, budget({"own_fiscal": WAN}))
        with pytest.raises(Conflict) as refused:
            finance(sessions).put_budget(second, budget({"own_fiscal": WAN}))
        assert refused.value.details["pro_code"] == "150622260000000001"
        assert worker(sessions).get_project(first)["funds"]["budget_version"] == 1

    @pytest.mark.parametrize(
        "amounts",
        [{"own_fiscal": 0}, {"unknown": 5}, {"own_fiscal": -1}, {"own_fiscal": "100"}, {}],
    )
    def test_bad_budgets_are_refused_before_anything_is_written(self, sessions, amounts):
        project_id = planned(sessions)
        with pytest.raises((ValidationFailed, RuleViolation)):
            finance(sessions).put_budget(project_id, budget(amounts))
        assert worker(sessions).get_project(project_id)["funds"]["budget_version"] == 0

    def test_roles_and_areas(self, sessions):
        project_id = planned(sessions)
        for principal in (p.STAFF, p.DEPUTY, OTHER_FINANCE):
            with pytest.raises(Forbidden):
                worker(sessions, principal).put_budget(project_id, budget({"own_fiscal": WAN}))
        finance(sessions, BANNER_FINANCE).put_budget(project_id, budget({"own_fiscal": WAN}))
        assert worker(sessions, p.DEPUTY).get_funds(project_id)["summary"]["budget_fen"] == WAN
        with pytest.raises(Forbidden):
            worker(sessions, OTHER_FINANCE).get_funds(project_id)


class TestPools:
    def pool(self, sessions, allocated: int, area: str = p.AREA, principal=FINANCE) -> dict:
        return finance(sessions, principal).put_fund_pool(
            {
                "area_code": area,
                "year": p.YEAR,
                "source": "banner_special",
                "allocated_fen": allocated,
            }
        )

    def test_a_special_source_needs_a_pool(self, sessions):
        project_id = planned(sessions)
        with pytest.raises(RuleViolation) as refused:
            finance(sessions).put_budget(project_id, budget({"banner_special": 10 * WAN}))
        assert refused.value.details["code"] == "no_pool"

    def test_draws_stop_at_what_the_pool_has_left(self, sessions):
        self.pool(sessions, 500 * WAN, area="150622", principal=BANNER_FINANCE)  # Jungar: 500 万
        first, second = two_planned(sessions)
        finance(sessions).put_budget(first, budget({"banner_special": 300 * WAN}, "P-1"))
        with pytest.raises(RuleViolation) as refused:
            finance(sessions).put_budget(second, budget({"banner_special": 200 * WAN + 1}, "P-2"))
        assert refused.value.details == {
            "code": "pool_exhausted",
            "pool_id": refused.value.details["pool_id"],
            "allocated_fen": 500 * WAN,
            "committed_fen": 300 * WAN,
            "amount_fen": 200 * WAN + 1,
            "remaining_fen": 200 * WAN - 1 + 1,
        }
        finance(sessions).put_budget(second, budget({"banner_special": 200 * WAN}, "P-2"))
        pools = finance(sessions, BANNER_FINANCE).list_fund_pools(
            {"area_code": "150622", "year": p.YEAR}
        )
        (pool,) = pools["pools"]
        assert (pool["committed_fen"], pool["remaining_fen"], pool["projects"]) == (500 * WAN, 0, 2)

    def test_a_project_lowering_its_draw_gives_the_pool_back(self, sessions):
        self.pool(sessions, 100 * WAN)
        project_id = planned(sessions)
        finance(sessions).put_budget(project_id, budget({"banner_special": 100 * WAN}))
        finance(sessions).put_budget(
            project_id, budget({"banner_special": 40 * WAN, "own_fiscal": 60 * WAN})
        )
        pools = finance(sessions).list_fund_pools({"area_code": p.AREA, "year": p.YEAR})
        assert pools["pools"][0]["remaining_fen"] == 60 * WAN
        assert (pools["special_share"], pools["special_percent"]) == ("2/5", "40.0")

    def test_a_pool_cannot_shrink_below_what_projects_hold(self, sessions):
        self.pool(sessions, 100 * WAN)
        finance(sessions).put_budget(planned(sessions), budget({"banner_special": 80 * WAN}))
        with pytest.raises(RuleViolation) as refused:
            self.pool(sessions, 80 * WAN - 1)
        assert refused.value.details["committed_fen"] == 80 * WAN
        assert self.pool(sessions, 80 * WAN)["remaining_fen"] == 0


class TestFlows:
    def test_a_disbursement_up_to_the_budget_passes_one_fen_more_is_refused(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 60 * WAN))
        with pytest.raises(RuleViolation) as refused:
            finance(sessions).add_fund_flow(project_id, flow("V-2", 40 * WAN + 1))
        assert refused.value.details == {
            "code": "over_budget",
            "source": "own_fiscal",
            "budget_fen": 100 * WAN,
            "disbursed_fen": 60 * WAN,
            "amount_fen": 40 * WAN + 1,
            "remaining_fen": 40 * WAN,
        }
        assert "超出调整后预算" in str(refused.value)
        finance(sessions).add_fund_flow(project_id, flow("V-2", 40 * WAN))
        assert finance(sessions).get_funds(project_id)["summary"]["disbursed_fen"] == 100 * WAN

    def test_a_payment_stays_within_what_was_disbursed(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 30 * WAN))
        finance(sessions).add_fund_flow(project_id, flow("Z-1", 30 * WAN, kind="payment"))
        with pytest.raises(RuleViolation) as refused:
            finance(sessions).add_fund_flow(project_id, flow("Z-2", 1, kind="payment"))
        assert refused.value.details["code"] == "over_disbursed"

    def test_a_flow_needs_a_budget_a_new_voucher_and_a_past_date(self, sessions):
        project_id = planned(sessions)
        with pytest.raises(RuleViolation):
            finance(sessions).add_fund_flow(project_id, flow("V-1", WAN))
        finance(sessions).put_budget(project_id, budget({"own_fiscal": 10 * WAN}))
        finance(sessions).add_fund_flow(project_id, flow("V-1", WAN))
        with pytest.raises(Conflict):
            finance(sessions).add_fund_flow(project_id, flow("V-1", WAN))
        with pytest.raises(ValidationFailed):
            finance(sessions).add_fund_flow(
                project_id, {**flow("V-9", WAN), "flow_date": "2099-01-01"}
            )
        with pytest.raises(ValidationFailed):
            finance(sessions).add_fund_flow(project_id, {**flow("V-9", WAN), "amount_fen": True})

    def test_a_retried_flow_is_recorded_once(self, sessions):
        project_id = budgeted(sessions)
        first = finance(sessions).add_fund_flow(project_id, flow("V-1", WAN), "key-1")
        again = finance(sessions).add_fund_flow(project_id, flow("V-1", WAN), "key-1")
        assert first == again
        assert len(finance(sessions).get_funds(project_id)["flows"]) == 1

    def test_a_flow_is_an_event_and_a_feed_record(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 25 * WAN))
        (event,) = events(sessions, "funds_disbursed_v1")
        assert (event["amount_fen"], event["disbursed_fen"], event["budget_fen"]) == (
            25 * WAN,
            25 * WAN,
            100 * WAN,
        )
        session = sessions["implementation"]
        kinds = dict(
            session.execute(select(FeedRecord.kind, func.count()).group_by(FeedRecord.kind)).all()
        )
        assert kinds["budget"] == 1 and kinds["disbursement"] == 1
        body = json.loads(
            session.scalars(select(FeedRecord.body).where(FeedRecord.kind == "disbursement")).one()
        )
        assert (body["mof_div_code"], body["fiscal_year"], body["pro_code"]) == (
            "150622",
            p.YEAR,
            "150622260000000001",
        )

    def test_department_and_government_staff_cannot_move_money(self, sessions):
        project_id = budgeted(sessions)
        for principal in (p.STAFF, p.CONGRESS, OTHER_FINANCE):
            with pytest.raises(Forbidden):
                worker(sessions, principal).add_fund_flow(project_id, flow("V-1", WAN))


class TestWarnings:
    """Today is after 31 July of the test year (2026), so the lag rule is due."""

    def test_money_not_flowing_by_july_is_a_lag_warning_until_it_flows(self, sessions):
        project_id = budgeted(sessions)
        lag = open_warnings(sessions, project_id)["disbursement_lag/total"]
        assert lag["figures"]["shortfall_fen"] == 40 * WAN and lag["rule_version"] == 1
        finance(sessions).add_fund_flow(project_id, flow("V-1", 40 * WAN))
        assert "disbursement_lag/total" not in open_warnings(sessions, project_id)
        resolved = finance(sessions).list_warnings({"area_code": p.AREA, "state": "resolved"})
        assert [w["id"] for w in resolved["items"]] == [lag["id"]]

    def test_money_ahead_of_the_work_and_then_the_work_catching_up(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 50 * WAN))
        gap = open_warnings(sessions, project_id)["progress_spend_gap/money_ahead"]
        assert gap["figures"]["gap_points"] == "50"
        worker(sessions).create_report(
            project_id, p.report("2026-W20", "2026-05-15", {"design": "1", "tender": "1"})
        )
        assert "progress_spend_gap/money_ahead" not in open_warnings(sessions, project_id)

    def test_a_budget_cut_below_what_was_disbursed_is_red(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 80 * WAN))
        finance(sessions).put_budget(project_id, budget({"own_fiscal": 70 * WAN}, reason="压减"))
        over = open_warnings(sessions, project_id)["over_budget/total"]
        assert (over["severity"], over["figures"]["over_fen"]) == ("red", 10 * WAN)

    def test_a_new_rule_version_applies_and_is_recorded_on_the_warning(self, sessions):
        project_id = budgeted(sessions)
        finance(sessions).add_fund_flow(project_id, flow("V-1", 45 * WAN))
        assert "disbursement_lag/total" not in open_warnings(sessions, project_id)
        rule = worker(sessions, ADMIN).put_warning_rule(
            "disbursement_lag",
            {
                "kind": "disbursement_lag",
                "params": {"month": 7, "day": 31, "min_ratio": "1/2"},
                "title": "拨付进度滞后（7月底不低于50%）",
                "reason": "市财政局通知",
            },
        )
        assert rule["version"] == 2
        finance(sessions).evaluate_warnings({"area_code": p.AREA})
        lag = open_warnings(sessions, project_id)["disbursement_lag/total"]
        assert lag["rule_version"] == 2 and lag["figures"]["min_ratio"] == "1/2"
        versions = worker(sessions).list_warning_rules()["rules"]
        assert [r["version"] for r in versions if r["code"] == "disbursement_lag"] == [2]

    @pytest.mark.parametrize(
        "body",
        [
            {"kind": "disbursement_lag", "params": {"month": 2, "day": 29, "min_ratio": "1/2"}},
            {"kind": "disbursement_lag", "params": {"month": 7, "day": 31, "min_ratio": "0"}},
            {"kind": "progress_spend_gap", "params": {"tolerance_points": 20}},  # kind changed
            {"kind": "over_budget", "params": {"colour": "red"}},
        ],
    )
    def test_bad_rules_are_refused(self, sessions, body):
        code = "over_budget" if body["kind"] == "over_budget" else "disbursement_lag"
        with pytest.raises((RuleViolation, ValidationFailed)):
            worker(sessions, ADMIN).put_warning_rule(code, {**body, "title": "t", "reason": "r"})
        with pytest.raises(ValidationFailed):
            worker(sessions, ADMIN).put_warning_rule(
                "Bad Code", {**body, "title": "t", "reason": "r"}
            )

    def test_only_admins_write_rules(self, sessions):
        with pytest.raises(Forbidden):
            finance(sessions).put_warning_rule(
                "over_budget", {"kind": "over_budget", "params": {}, "title": "t", "reason": "r"}
            )

    def test_the_timer_evaluates_the_city_once_however_often_it_runs(self, sessions):
        project_id = budgeted(sessions)
        for _ in range(3):
            worker(sessions).evaluate_city_warnings()
        session = sessions["implementation"]
        session.rollback()
        opened = session.scalar(select(func.count()).where(FundWarning.project_id == project_id))
        assert opened == len(open_warnings(sessions, project_id)) == 1


class TestExports:
    def test_funds_and_warnings_export_in_yuan_with_chinese_headers(self, sessions):
        import base64
        import io

        from openpyxl import load_workbook

        project_id = budgeted(sessions, {"own_fiscal": 60 * WAN, "social": 40 * WAN})
        finance(sessions).add_fund_flow(project_id, flow("V-1", 15 * WAN))
        query = {"area_code": p.AREA, "year": p.YEAR}
        sheet = worker(sessions).export_report({**query, "table": "funds"})
        book = load_workbook(io.BytesIO(base64.b64decode(sheet["content_base64"])))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[0][4:9] == (
            "资金来源",
            "调整后预算（元）",
            "已拨付（元）",
            "已支付（元）",
            "拨付进度（%）",
        )
        assert [r[4:9] for r in rows[1:]] == [
            ("本级财政", 600000, 150000, 0, "25.0"),
            ("社会赞助", 400000, 0, 0, "0.0"),
        ]
        csv = worker(sessions).export_report({**query, "table": "warnings", "format": "csv"})
        text = base64.b64decode(csv["content_base64"]).decode("utf-8-sig")
        assert text.startswith("预警编号") and "拨付进度滞后" in text


class TestGauges:
    def value(self, name: str, **labels: str) -> float:
        from servicekit import metrics

        found = metrics.REGISTRY.get_sample_value(
            f"minsheng_implementation_{name}",
            {"service": "implementation", "level": "township", **labels},
        )
        return found if found is not None else -1.0

    def test_the_dashboard_gauges_follow_the_projects(self, sessions):
        from implementation.use_cases import completion

        budgeted(sessions)  # planned, budgeted, a lag warning open
        completion.refresh_gauges(sessions["implementation"], "township", p.YEAR)
        assert self.value("projects", status="planned") == 1
        assert self.value("projects", status="completed") == 0
        assert self.value("completion_ratio") == 0.0
        worker(sessions).evaluate_city_warnings()
        assert self.value("fund_warnings_open", kind="disbursement_lag") == 1
