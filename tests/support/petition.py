"""Petition's test world: the callers, a station in 薛家湾镇 and deputies of the town, the banner
and the city imported from CSV, and helpers to submit and move matters."""

from dataclasses import dataclass
from typing import Any

from servicekit.auth import ANONYMOUS, Principal

from tests.support.workers import service_worker

ADMIN = Principal("u-admin", ("admin",), "150600", "admin")
RENDA = Principal("u-renda", ("congress_staff",), "150622", "renda")  # 准格尔旗人大
TOWN_RENDA = Principal("u-town", ("congress_staff",), "150622100", "town")  # 薛家湾镇人大
CITY_RENDA = Principal("u-city", ("congress_staff",), "150600", "city")
OTHER_RENDA = Principal("u-other", ("congress_staff",), "150602", "other")  # 东胜区
WANG = Principal("u-wang", ("deputy",), "150622100", "wang")  # a township deputy
ZHAO = Principal("u-zhao", ("deputy",), "150622100", "zhao")  # another one of the town
LI = Principal("u-li", ("deputy",), "150622", "li")  # a banner deputy
NOBODY = Principal("u-nobody", ("deputy",), "150622100", "nobody")  # no profile imported
ZHUJIAN = Principal("u-zjj", ("department_staff",), "150622", "zjj", "住建局")
MINZHENG = Principal("u-mzj", ("department_staff",), "150622", "mzj", "民政局")
ZHENGFU = Principal("u-zf", ("government_staff",), "150622100", "zf")

STATION = {
    "area_code": "150622100",
    "name": "薛家湾镇人大代表联络站",
    "kind": "station",
    "address": "薛家湾镇迎宾路 18 号",
    "lat": 39.85,
    "lng": 111.23,
    "phone": "0477-4221234",
    "opening_hours": "周一至周五 9:00-17:00",
}
DEPUTIES_CSV = (
    "姓名,层级,地区代码,代表团,联络站,专长,公开联系方式,公开电话,账号\n"
    "王建国,苏木乡镇,150622100,薛家湾镇代表团,薛家湾镇人大代表联络站,调解、法律,,,wang\n"
    "赵桂兰,苏木乡镇,150622100,薛家湾镇代表团,,教育,仅在线留言,,zhao\n"
    "李明,旗区,150622,准格尔旗代表团,,城建,公开电话,0477-4212345,li\n"
)
RESIDENT = {"name": "刘秀英", "phone": "13912345678"}
MATTER = {
    "text": "小区门口路灯坏了一个多月，晚上老人出门不安全。",
    "category": "基础设施",
    "location": {"text": "迎宾路小区东门", "lat": 39.851, "lng": 111.231},
}


@dataclass
class World:
    sessions: dict[str, Any]
    station: dict[str, Any]
    deputies: dict[str, dict[str, Any]]  # by account

    def worker(self, principal: Principal = ANONYMOUS) -> Any:
        return service_worker("petition", self.sessions, principal)

    def code_of(self, username: str) -> str:
        return str(self.deputies[username]["public_code"])

    def submit(
        self,
        username: str = "wang",
        key: str | None = None,
        principal: Principal = ANONYMOUS,
        **extra: Any,
    ) -> Any:
        body = {**MATTER, "code": self.code_of(username), "resident": RESIDENT, **extra}
        return self.worker(principal).submit_matter(body, key)

    def act(self, principal: Principal, matter_id: str, action: str, **body: Any) -> Any:
        return self.worker(principal).act_on_matter(matter_id, action, body)


def build(sessions: dict[str, Any]) -> World:
    station = service_worker("petition", sessions, TOWN_RENDA).create_station(STATION)
    imported = service_worker("petition", sessions, RENDA).import_deputies(
        {"area_code": "150622", "csv": DEPUTIES_CSV}
    )
    deputies = {d["username"]: d for d in imported["deputies"]}
    return World(sessions, station, deputies)


def screened(matter_id: str | None, verdict: str = "in_library", **changes: Any) -> dict:
    """collection's answer to a proposal (proposal_screened_v1), as a signed envelope."""
    import uuid

    from contracts.events import PROPOSAL_SCREENED
    from servicekit.outbox import build_envelope

    payload = {
        "proposal_id": str(uuid.UUID(int=99)),
        "tracking_code": "T9ZZ-8YYY-7XXX",
        "area_code": "150622100",
        "level": "township",
        "year": 2027,
        "verdict": verdict,
        "reason": None if verdict == "in_library" else "已列入明年市政道路改造计划",
        "source_matter_id": matter_id,
        "answered_at": "2027-03-01T02:00:00+00:00",
        **changes,
    }
    return build_envelope(
        PROPOSAL_SCREENED, payload, area_code="150622100", level="township", correlation_id="c"
    )


def converted(world: World, principal: Principal = WANG, username: str = "wang") -> str:
    """A matter accepted and converted into a proposal; its id."""
    matter = world.submit(username)["id"]
    world.act(principal, matter, "accept")
    world.act(
        principal,
        matter,
        "convert",
        title="林荫街道广场翻新",
        description="居民扫码向代表反映广场地砖破损、健身器材老旧，建议列为民生实事。",
    )
    return str(matter)
