"""Money: budgets, special fund pools, disbursements and payments, fund warnings and their rules."""

from typing import Any

from contracts import funds as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import fund_warnings, funds, pools

WARNING_INTERVAL_SECONDS = (
    3600  # nightly in effect: a run changes nothing until money or a day does
)


class FundsEntrypoints:
    """Mixed into ImplementationService, which provides `db`, `outbox` and `auth`."""

    db: Any
    outbox: Any
    auth: Any

    @rpc
    def put_budget(self, project_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "T-…", {"amounts": {"own_fiscal": fen, …}, "pro_code", "reason"} -> its funds"""
        data = load(contract.BudgetIn, payload)
        return funds.put_budget(self.db, self.auth, project_id, data, utcnow())

    @rpc
    def get_funds(self, project_id: str) -> dict[str, Any]:
        """ "T-…" -> budget versions, disbursements and payments, open warnings, pool draws"""
        return funds.get_funds(self.db, self.auth, project_id)

    @rpc
    def add_fund_flow(
        self, project_id: str, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """ "T-…", {"kind", "source", "amount_fen", "flow_date", "voucher_no", "payee"} -> it"""
        data = load(contract.FundFlowIn, payload)
        return funds.add_fund_flow(
            self.db, self.outbox, self.auth, project_id, data, idempotency_key, utcnow()
        )

    @rpc
    def put_fund_pool(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year", "source", "allocated_fen"} -> the pool with what is committed"""
        data = load(contract.FundPoolIn, payload)
        return pools.put_fund_pool(self.db, self.auth, data, utcnow())

    @rpc
    def list_fund_pools(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "year"} -> the pools of the area, the special funds' share"""
        return pools.list_fund_pools(self.db, self.auth, load(contract.PoolsQuery, query))

    @rpc
    def list_warnings(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "state", …} -> a page of fund warnings"""
        return fund_warnings.list_warnings(self.db, self.auth, load(contract.WarningsQuery, query))

    @rpc
    def evaluate_warnings(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"area_code"} -> the area's warnings evaluated now (the hourly job does the city)"""
        data = load(contract.EvaluateIn, payload)
        return fund_warnings.evaluate_warnings(self.db, self.auth, data, utcnow())

    @rpc
    def list_warning_rules(self) -> dict[str, Any]:
        return fund_warnings.list_warning_rules(self.db, self.auth)

    @rpc
    def put_warning_rule(self, code: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "disbursement_lag", {"kind", "params", "title", "reason"} -> its new version"""
        data = load(contract.WarningRuleIn, payload)
        return fund_warnings.put_warning_rule(self.db, self.auth, code, data, utcnow())

    @timer(interval=WARNING_INTERVAL_SECONDS)
    def evaluate_city_warnings(self) -> None:
        fund_warnings.evaluate_nightly(self.db, self.auth.level, utcnow())
