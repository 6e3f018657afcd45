"""A project's public code at work: its QR code and printable site sign (for congress staff
of the area to print and post), and what the code names (for anyone's /p/<code> page)."""

from typing import Any

from contracts import supervision_public as contract
from servicekit import config
from servicekit import qr as sheets
from servicekit.auth import Guard
from servicekit.validation import dump
from sqlalchemy.orm import Session

from .. import errors, roles, signs
from ..db.models import Project
from ..domain import public as domain
from .public_common import area_name, by_code, staff_project

IMAGES = ("svg", "png")


def public_url(project: Project) -> str:
    """What the sign's QR code encodes: the project's page on the residents' site."""
    return config.public_url(f"/p/{project.public_code}")


def get_project_qr(session: Session, guard: Guard, project_id: str, image: str) -> dict[str, Any]:
    if image not in IMAGES:
        raise errors.not_found("图片格式", "image format")
    project = staff_project(session, guard, project_id, roles.STAFF)
    content = sheets.image(public_url(project), f"扫码监督：{project.title}", image)
    return sheets.file_answer(
        content,
        f"{project.title}-二维码.{image}",
        f"project-{project.public_code}.{image}",
        image,
    )


def get_project_sign(session: Session, guard: Guard, project_id: str) -> dict[str, Any]:
    project = staff_project(session, guard, project_id, roles.STAFF)
    deadline = project.deadline
    sign = signs.Sign(
        title=project.title,
        area=f"{area_name(project.area_code)} · {project.year}年民生实事",
        lead_department=project.lead_department,
        deadline=f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else None,
        code_words=domain.grouped(project.public_code),
        url=public_url(project),
    )
    content = signs.sign_svg(sign).encode()
    return sheets.file_answer(
        content, f"{project.title}-公示牌.svg", f"project-{project.public_code}-sign.svg", "svg"
    )


def get_project_by_code(session: Session, code: str) -> dict[str, Any]:
    """Anyone: the project a code names, without anything but what its sign shows."""
    project = by_code(session, code)
    return dump(
        contract.ProjectByCode,
        {
            "public_code": project.public_code,
            "project_id": project.id,
            "title": project.title,
            "area_code": project.area_code,
            "area_name": area_name(project.area_code),
            "level": project.level,
            "year": project.year,
            "public_url": public_url(project),
        },
    )
