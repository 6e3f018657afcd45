"""Demo data for supervision (人大评, issue 14) in the demo town 薛家湾镇, over HTTP like any
client, after scripts.demo_projects has made the town's projects: a supervision group of the
banner's congress staff — jipiao as 组长, renda from the committee office and the demo deputy
daibiao (王建国's account) — with every project of the town assigned; the year's 年初 checkpoint
(问选题, due 31 March) with the group's report on the first project, filed by daibiao; one
anonymous public feedback on the first project, sent through its public code and published
by renda.

Also written under var/demo/: the first project's QR code (project-<code>-qr.png) and its
printable site sign (project-<code>-sign.svg), both from the gateway's routes. `make run` prints
the public page's URL the QR code encodes (PUBLIC_BASE_URL + /p/<code>) and the API route that
page reads (/api/v1/public/project-codes/<code>).

Idempotent: a town whose year already has a group gets nothing new (its files are written again).
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servicekit.clock import business_date

from scripts import demo_data, demo_petition
from scripts.demo_petition import download, login_as, out_dir
from scripts.http_vote import Http, wait_for

TOWN = demo_petition.TOWN  # 薛家湾镇
STAFF = "renda"  # 准格尔旗人大常委会办公室 (congress_staff of the banner: covers the town)
LEADER = "jipiao"
DEPUTY = demo_petition.DEPUTY
FEEDBACK = {
    "anonymous": True,
    "text": "施工围挡已经设好，希望夜间按时停工，减少噪音。",
    "category": "quality",
    "photos": [],
}


@dataclass(frozen=True)
class DemoSupervision:
    created: bool  # False: the town's year had a group already
    group: str
    projects: int
    code: str
    url: str
    files: list[Path]


def ensure_supervision(base_url: str) -> DemoSupervision | None:
    """None when the town has no project to supervise (demo_projects made none)."""
    staff = login_as(base_url, STAFF)
    year = business_date().year
    projects = _projects(staff, year)
    if not projects:
        return None
    query = {"area_code": TOWN, "year": year}
    groups = staff.call("GET", "/api/v1/supervision-groups", params=query)["items"]
    created = not groups
    group = groups[0] if groups else _form_group(base_url, staff, year, projects)
    first = projects[0]
    if created:
        _opening_checkpoint(base_url, staff, year, group, first)
        public = Http(base_url)
        path = f"/api/v1/public/projects/{first['public_code']}/feedback"
        sent = public.call("POST", path, 201, body=FEEDBACK)
        moderation = {"action": "publish"}
        staff.call("POST", f"/api/v1/feedback/{sent['feedback_id']}/moderation", body=moderation)
    looked_up = staff.call("GET", f"/api/v1/public/project-codes/{first['public_code']}")
    files = _files(base_url, staff, first)
    return DemoSupervision(
        created, group["name"], len(projects), first["public_code"], looked_up["public_url"], files
    )


def _projects(staff: Http, year: int) -> list[dict[str, Any]]:
    """The town's projects once supervision has opened their files (project_created_v1 travels
    over the broker); [] when the town has none in implementation either."""
    made = staff.call("GET", "/api/v1/projects", params={"area_code": TOWN, "year": year})
    if not made["total"]:
        return []
    query = {"area_code": TOWN, "year": year, "page_size": 200}

    def filed() -> list[dict[str, Any]] | None:
        items = staff.call("GET", "/api/v1/supervision/projects", params=query)["items"]
        return items if len(items) >= made["total"] else None

    return list(wait_for(filed, 30, "supervision to open the projects' files"))


def _form_group(base_url: str, staff: Http, year: int, projects: list[dict]) -> dict[str, Any]:
    members = [
        {"subject": _user_id(base_url, LEADER), "name": "准格尔旗人大常委会副主任（组长）",
         "role": "leader"},
        {"subject": _user_id(base_url, STAFF), "name": "人大常委会办公室", "role": "office"},
        {"subject": _user_id(base_url, DEPUTY), "name": "王建国", "role": "deputy",
         "specialty": "建筑工程"},
    ]  # fmt: skip
    body = {
        "area_code": TOWN,
        "year": year,
        "name": "薛家湾镇民生实事项目监督组",
        "members": members,
        "project_ids": [p["project_id"] for p in projects],
    }
    return dict(staff.call("POST", "/api/v1/supervision-groups", 201, body=body))


def _opening_checkpoint(
    base_url: str, staff: Http, year: int, group: dict[str, Any], project: dict[str, Any]
) -> None:
    body = {"area_code": TOWN, "year": year, "stage": "opening", "due_date": f"{year}-03-31"}
    checkpoint = staff.call("POST", "/api/v1/checkpoints", body=body)
    answers = [{"question": q, "answer": "已核实：选题来自群众建议，方案已落实。"}
               for q in checkpoint["questions"]]  # fmt: skip
    report = {
        "group_id": group["group_id"],
        "project_id": project["project_id"],
        "answers": answers,
        "verdict": "good",
        "findings": [],
    }
    deputy = login_as(base_url, DEPUTY)
    deputy.call("POST", f"/api/v1/checkpoints/{checkpoint['id']}/reports", 201, body=report)


def _user_id(base_url: str, username: str) -> str:
    (password,) = [row[4] for row in demo_data.DEMO_ACCOUNTS if row[0] == username]
    body = {"username": username, "password": password}
    return str(Http(base_url).call("POST", "/api/v1/auth/token", body=body)["user"]["id"])


def _files(base_url: str, staff: Http, project: dict[str, Any]) -> list[Path]:
    folder = out_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path, code = f"/api/v1/projects/{project['project_id']}", project["public_code"]
    qr, sign = folder / f"project-{code}-qr.png", folder / f"project-{code}-sign.svg"
    qr.write_bytes(download(base_url, staff, f"{path}/qr.png"))
    sign.write_bytes(download(base_url, staff, f"{path}/sign.svg"))
    return [qr, sign]


def banner_lines(made: DemoSupervision | None) -> list[str]:
    """The banner's lines about supervision's demo: the group, the project page's URL."""
    head = "  人大评演示 (supervision demo): 薛家湾镇"
    if made is None:
        return [f"{head}没有项目，未建监督组 (no projects: no group)"]
    formed = (
        f"监督组「{made.group}」，监督项目 {made.projects} 个；{LEADER} 为组长、{STAFF} 为办公室、"
        f"{DEPUTY} 为代表成员"
        if made.created
        else f"已有监督组「{made.group}」，未新建 (the town has a group: none added)"
    )
    return [
        f"{head}{formed}",
        f"    项目码 {made.code} 公开页面 (the QR code's URL): {made.url}；"
        f"数据 /api/v1/public/project-codes/{made.code}",
        f"    二维码与公示牌 (QR, site sign): {', '.join(str(f) for f in made.files)}",
    ]
