"""Public supervision's test world: supervision's migrated database with three projects (two in
准格尔旗, one in 东胜区), the callers, and helpers to send feedback, register a social
supervisor and record an observation (tests/service and tests/integration share it)."""

import uuid
from datetime import UTC, date, datetime

from servicekit.auth import ANONYMOUS, Principal
from sqlalchemy import text
from supervision.use_cases import files

from tests.support.workers import service_worker

RENDA = Principal("u-renda", ("congress_staff",), "150622", "renda")
OTHER_RENDA = Principal("u-dongsheng", ("congress_staff",), "150602", "dongsheng")
GOV = Principal("u-gov", ("government_staff",), "150622", "gov")
SUP = Principal("u-sup", ("supervisor",), "150622", "sup")
STRANGER = Principal("u-nobody", ("supervisor",), "150622", "nobody")
PHONE, NAME = "13912345678", "李秀英"
BASE = "https://minsheng.example.cn"


def project_id(n: int) -> str:
    return "B-" + uuid.UUID(int=n).hex


ROAD, SCHOOL, ELSEWHERE = project_id(1), project_id(2), project_id(3)


def open_project(session, pid, area="150622", title="幸福路改造"):
    files.open_file(
        session,
        {
            "project_id": pid,
            "proposal_id": uuid.uuid4(),
            "session_id": "B-" + "1" * 32,
            "area_code": area,
            "level": "banner",
            "year": 2026,
            "title": title,
            "category": "交通出行",
            "lead_department": "旗住建局",
            "results_digest": "f" * 64,
            "created_at": datetime(2026, 3, 1, tzinfo=UTC),
        },
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    session.commit()


class World:
    def __init__(self, sessions):
        self.sessions = sessions
        self.session = sessions["supervision"]
        open_project(self.session, ROAD)
        open_project(self.session, SCHOOL, title="第二小学扩建")
        open_project(self.session, ELSEWHERE, area="150602", title="东胜区道路")

    def worker(self, principal=ANONYMOUS):
        return service_worker("supervision", self.sessions, principal, level="banner")

    def code(self, pid=ROAD):
        return self.session.execute(
            text("select public_code from projects where id = :id"), {"id": pid}
        ).scalar_one()

    def submit(self, pid=ROAD, **changes):
        body = {"anonymous": False, "name": NAME, "phone": PHONE, "category": "quality"}
        body |= {"text": "路面三处开裂，雨天积水", **changes}
        return self.worker().submit_feedback(self.code(pid).lower(), body)

    def file_lines(self, pid=ROAD):
        rows = self.session.execute(
            text(
                "select side, kind, summary, actor, detail from file_entries where project_id = :p"
            ),
            {"p": pid},
        )
        return [tuple(row) for row in rows]


def register(world, **changes):
    body = {
        "area_code": "150622",
        "subject": "u-sup",
        "name": "王监督",
        "phone": "13700001111",
        "project_ids": [ROAD],
    }
    return world.worker(RENDA).register_social_supervisor({**body, **changes})


OBSERVED = {"project_id": ROAD, "category": "progress", "text": "钢筋进场但未开工"}


def observe(world, principal=SUP, **changes):
    body = {**OBSERVED, "observed_on": date.today().isoformat(), **changes}
    return world.worker(principal).record_observation(body)
