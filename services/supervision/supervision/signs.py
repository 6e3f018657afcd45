"""The printable site sign of a project (项目公示牌 · 扫码监督): one A4 SVG page to post at the
site, drawn with servicekit.qr as petition's posters are.

It says what the project is, who leads it and by when it is due, shows the QR code of the
project's public page and its code spelled in groups (typed when a phone cannot scan), the URL,
and that the sender's name and phone are never published.
"""

from dataclasses import dataclass

from servicekit.qr import a4_sheet, placed, text

TITLE = "民生实事项目 · 扫码监督"
NOTE = "扫码查看进度、反映问题；您的姓名和电话仅人大工作人员可见，不会公开"


@dataclass(frozen=True)
class Sign:
    title: str  # the project's title
    area: str  # the area's name and the year
    lead_department: str | None
    deadline: str | None  # "2026年10月31日"
    code_words: str  # "T 7K2M9 QXAB1"
    url: str


def _wrapped(title: str, width: int = 16) -> list[str]:
    """A long title over at most three lines (the sign is read from a few steps away)."""
    lines = [title[i : i + width] for i in range(0, len(title), width)][:3]
    if len(title) > width * 3:
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def sign_svg(sign: Sign) -> str:
    lines = [text(105, 26, 13, TITLE, "bold")]
    y = 46.0
    for line in _wrapped(sign.title):
        lines.append(text(105, y, 10, line, "bold"))
        y += 12
    lines += [
        text(105, y + 2, 6, sign.area),
        text(105, y + 12, 6, f"牵头单位：{sign.lead_department or '待定'}"),
        text(105, y + 22, 6, f"完成时限：{sign.deadline or '待定'}"),
        placed(sign.url, f"{TITLE}：{sign.title}", 60, 140, 90),
        text(105, 248, 9, "扫码监督", "bold"),
        text(105, 262, 9, f"项目码 {sign.code_words}", "bold"),
        text(105, 276, 4, sign.url),
        text(105, 288, 3.5, NOTE),
    ]
    return a4_sheet(f"{TITLE}：{sign.title}", "".join(lines))
