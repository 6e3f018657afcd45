"""Implementation's money routes (资金): budgets by fund source, special fund pools,
disbursements and payments, fund warnings and the city's warning rules.

Project-addressed routes go to the project's level (its id's letter); area-addressed ones to
the level of `area_code`. Warning rules are the city's, read and written by any level's workers
(they share the database).
"""

from contracts import funds as f
from contracts.funds import FundsRpc as Rpc
from contracts.implementation import IMPLEMENTATION, project_level

from ...table import Area, CallerArea, Letter
from ...table.route import routes_of
from . import roles

route = routes_of(IMPLEMENTATION, "implementation")
PROJECT = "/api/v1/projects/<string:project_id>"
IN_PROJECT = Letter("path", "project_id", project_level, "项目不存在 (unknown project)")
RULE = "/api/v1/warning-rules/<string:rule_code>"

ROUTES = (
    route(
        "put",
        f"{PROJECT}/budget",
        Rpc.put_budget,
        "下达或调整项目预算（按资金来源，每次调整留存版本）(put the budget by fund source)",
        roles=roles.FINANCE,
        where=IN_PROJECT,
        body=f.BudgetIn,
        response=f.ProjectFunds,
        refuses=(409, 422),
    ),
    route(
        "get",
        f"{PROJECT}/funds",
        Rpc.get_funds,
        "项目资金：预算版本、拨付与支付、预警、专项资金使用 (a project's money)",
        roles=roles.READ,
        where=IN_PROJECT,
        response=f.ProjectFunds,
    ),
    route(
        "post",
        f"{PROJECT}/disbursements",
        Rpc.add_fund_flow,
        "登记拨付或支付（超出预算或已拨付资金时拒绝并说明金额）(record a disbursement or payment)",
        roles=roles.FINANCE,
        where=IN_PROJECT,
        body=f.FundFlowIn,
        response=f.FundFlow,
        status=201,
        idempotent=True,
        refuses=(409, 422),
    ),
    route(
        "put",
        "/api/v1/fund-pools",
        Rpc.put_fund_pool,
        "下达专项资金池（市级专项奖补、旗区专项）(put a special fund pool of an area and year)",
        roles=roles.FINANCE,
        where=Area.body(),
        body=f.FundPoolIn,
        response=f.FundPool,
        refuses=(409, 422),
    ),
    route(
        "get",
        "/api/v1/fund-pools",
        Rpc.list_fund_pools,
        "专项资金池：总额、已安排、剩余，专项资金占比 (the area's pools and the special share)",
        roles=roles.READ,
        where=Area.query(),
        query=f.PoolsQuery,
        response=f.FundPools,
    ),
    route(
        "get",
        "/api/v1/warnings",
        Rpc.list_warnings,
        "资金预警（超预算、拨付滞后、进度与支付偏离）(fund warnings of the area)",
        roles=roles.READ,
        where=Area.query(),
        query=f.WarningsQuery,
        response=f.WarningPage,
    ),
    route(
        "post",
        "/api/v1/warnings/evaluations",
        Rpc.evaluate_warnings,
        "立即评估本地区资金预警（每小时自动评估全市）(evaluate the area's warnings now)",
        roles=roles.FINANCE,
        where=Area.body(),
        body=f.EvaluateIn,
        response=f.EvaluationResult,
    ),
    route(
        "get",
        "/api/v1/warning-rules",
        Rpc.list_warning_rules,
        "资金预警规则及其版本 (the warning rules, every version)",
        roles=roles.READ,
        where=CallerArea(),
        response=f.WarningRules,
    ),
    route(
        "put",
        RULE,
        Rpc.put_warning_rule,
        "修改资金预警规则（生成新版本）(a new version of a warning rule)",
        roles=roles.RULES,
        where=CallerArea(),
        body=f.WarningRuleIn,
        response=f.WarningRule,
        refuses=(409, 422),
    ),
)
