"""12345 hotline work orders: in (import, the signed webhook), seen, supervised by deputies
(督办, 催办, 评价), studied (report and export), and a deputy's findings out to 12345."""

import time
from typing import Any

from contracts import work_orders as contract
from nameko.timer import timer
from servicekit.clock import utcnow
from servicekit.rpc import rpc
from servicekit.validation import load

from ..use_cases import work_order_outbound as outbound
from ..use_cases import work_order_study as study
from ..use_cases import work_order_supervision as supervision
from ..use_cases import work_order_views as views
from ..use_cases import work_orders

PUSH_INTERVAL_SECONDS = 5  # a finding leaves about this long after it was filed


class WorkOrderEntrypoints:
    """Mixed into PetitionService, which provides `db`, `outbox`, `auth` and `hotline`."""

    db: Any
    outbox: Any
    auth: Any
    hotline: Any

    @rpc
    def import_work_orders(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code": "150622", "orders": [{"order_no", …}]} or {"area_code", "csv"}"""
        data = load(contract.WorkOrderImport, payload)
        return work_orders.import_work_orders(self.db, self.auth, data, idempotency_key, utcnow())

    @rpc
    def receive_work_order(self, payload: dict[str, Any]) -> dict[str, Any]:
        """{"body": "<raw JSON>", "timestamp": "1767225600", "signature": "sha256=…"}"""
        data = load(contract.WorkOrderDelivery, payload)
        return work_orders.receive_work_order(
            self.db, self.auth, self.hotline, data, utcnow(), time.time
        )

    @rpc
    def list_work_orders(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "supervised"?, "mine"?, "overdue"?, "status"?} -> a page"""
        return views.list_work_orders(self.db, self.auth, load(contract.WorkOrdersQuery, query))

    @rpc
    def get_work_order(self, order_id: str) -> dict[str, Any]:
        return views.get_work_order(self.db, self.auth, order_id)

    @rpc
    def supervise_work_order(self, order_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", {"note"?} -> the order, under the caller's supervision (督办)"""
        data = load(contract.SuperviseIn, payload)
        return supervision.supervise_work_order(self.db, self.auth, order_id, data, utcnow())

    @rpc
    def urge_work_order(self, order_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", {"text": "请于本周内答复"} -> the order with the urge (催办)"""
        data = load(contract.UrgeIn, payload)
        return supervision.urge_work_order(self.db, self.auth, order_id, data, utcnow())

    @rpc
    def rate_work_order(self, order_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", {"rating": "basically", "comment"?} -> the closed order, rated"""
        data = load(contract.RateIn, payload)
        return supervision.rate_work_order(self.db, self.auth, order_id, data, utcnow())

    @rpc
    def open_matter_from_work_order(self, order_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "…", {"text"?, "category"?, "location_text"?} -> the matter created"""
        data = load(contract.OpenMatterIn, payload)
        return supervision.open_matter_from_work_order(
            self.db, self.outbox, self.auth, order_id, data, utcnow()
        )

    @rpc
    def file_hotline_finding(
        self, payload: dict[str, Any], idempotency_key: str | None = None
    ) -> dict[str, Any]:
        """{"area_code", "title", "content", "category", "address"?, "work_order_id"?}"""
        data = load(contract.FindingIn, payload)
        enabled = self.hotline.settings.enabled
        return outbound.file_hotline_finding(
            self.db, self.auth, enabled, data, idempotency_key, utcnow()
        )

    @timer(interval=PUSH_INTERVAL_SECONDS)
    def push_hotline_findings(self) -> None:
        outbound.push_findings(self.db, self.hotline, self.auth.level)

    @rpc
    def get_hotline_time_limits(self, area_code: str) -> dict[str, Any]:
        return study.get_hotline_time_limits(self.db, self.auth, area_code)

    @rpc
    def put_hotline_time_limits(self, area_code: str, payload: dict[str, Any]) -> dict[str, Any]:
        """ "150622", {"limits": {"complaint": 10}} -> the limits that apply there"""
        data = load(contract.HotlineTimeLimitsIn, payload)
        return study.put_hotline_time_limits(self.db, self.auth, area_code, data, utcnow())

    @rpc
    def get_hotline_report(self, query: dict[str, Any]) -> dict[str, Any]:
        """{"area_code", "since"?, "until"?} -> counts, repeat complaints, slowest units"""
        data = load(contract.HotlineReportQuery, query)
        return study.get_hotline_report(self.db, self.auth, data)

    @rpc
    def export_hotline_report(self, query: dict[str, Any]) -> dict[str, Any]:
        data = load(contract.HotlineExportQuery, query)
        return study.export_hotline_report(self.db, self.auth, data)
