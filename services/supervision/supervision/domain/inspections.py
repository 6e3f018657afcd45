"""What makes an inspection record whole, by its kind (pure rules).

集中督查 (inspection) is a group's, monthly or quarterly; the standing committee's other forms —
专项审议, 专题询问, 现场观摩会 — may have no group. Only a 专题询问 records questions to named
officials, and it records at least one. A finding names one of the inspection's projects.
"""

from typing import Any

KIND_NAMES = {
    "inspection": "集中督查",
    "special_review": "专项审议",
    "special_inquiry": "专题询问",
    "onsite_review": "现场观摩会",
}
CADENCE_NAMES = {"monthly": "月度", "quarterly": "季度"}
METHOD_NAMES = {
    "briefing": "听取汇报",
    "documents": "查阅资料",
    "site_visit": "实地查看",
    "video": "视频在线",
}


def problems(record: dict[str, Any]) -> dict[str, str]:
    """Field → what is wrong with it (empty when the record is whole)."""
    kind, wrong = record["kind"], {}
    if kind == "inspection" and record.get("cadence") is None:
        wrong["cadence"] = "集中督查须注明月度或季度 (an inspection is monthly or quarterly)"
    if kind != "inspection" and record.get("cadence") is not None:
        wrong["cadence"] = "仅集中督查有督查周期 (only inspections have a cadence)"
    if kind == "inspection" and not record.get("group_id"):
        wrong["group_id"] = "集中督查须由监督组开展 (an inspection is a group's)"
    if kind == "special_inquiry" and not record.get("questions"):
        wrong["questions"] = "专题询问须记录询问与答复 (an inquiry records its questions)"
    if kind != "special_inquiry" and record.get("questions"):
        wrong["questions"] = "仅专题询问记录询问 (only an inquiry records questions)"
    projects = record["project_ids"]
    if len(set(projects)) != len(projects):
        wrong["project_ids"] = "项目重复 (a project is listed twice)"
    if len(set(record["methods"])) != len(record["methods"]):
        wrong["methods"] = "方式重复 (a method is listed twice)"
    if any(f["project_id"] not in projects for f in record.get("findings", ())):
        wrong["findings"] = "发现的问题须属于本次督查的项目 (a finding names a project not visited)"
    return wrong


def line(record: dict[str, Any], actor: str, found: int) -> str:
    """The line the inspection writes in a project's file (`found`: its findings there)."""
    kind = KIND_NAMES[record["kind"]]
    if record.get("cadence"):
        kind = f"{CADENCE_NAMES[record['cadence']]}{kind}"
    methods = "、".join(METHOD_NAMES[m] for m in record["methods"])
    return f"{kind}：{actor}（{methods}）{record['title']}，发现问题 {found} 个"
