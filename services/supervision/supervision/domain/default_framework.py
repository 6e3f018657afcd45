"""The default indicator framework (默认指标体系模板), as data: an EDITABLE starting point.

Its shape follows the Ministry of Finance's project-expenditure performance framework
(项目支出绩效评价指标体系框架): level-1 决策 / 过程 / 产出 / 效益 and their level-2 indicators.
The weights, level-3 indicators, contents and scoring standards here are this platform's
suggestions, NOT the official figures: an area copies the template, edits it and adopts its
own framework (every change a version).
"""

from typing import Any

NOTICE = (
    "默认模板，可编辑；权重与评分标准为参考值，并非财政部正式发布的数值 "
    "(an editable default: weights and standards are suggestions, not the official figures)"
)
SOURCE = (
    "参照财政部项目支出绩效评价指标体系框架的一级、二级指标 (after the MoF framework's levels 1-2)"
)


def _leaf(
    key: str,
    name: str,
    weight: int,
    content: str,
    standard: str,
    target: str | None = None,
    unit: str | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "weight": str(weight),
        "content": content,
        "standard": standard,
        "target": target,
        "unit": unit,
        "children": [],
    }


def _node(key: str, name: str, weight: int, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "weight": str(weight),
        "content": "",
        "standard": "",
        "target": None,
        "unit": None,
        "children": children,
    }


PROPORTIONAL = "按实际值与目标值之比计分，达到目标值得满分 (score in proportion to the target)"

INDICATORS: list[dict[str, Any]] = [
    _node(
        "A",
        "决策",
        20,
        [
            _node(
                "A1",
                "项目立项",
                8,
                [
                    _leaf(
                        "A11",
                        "立项依据充分性",
                        4,
                        "立项是否符合规划和群众需求，是否经代表票决",
                        "依据充分得满分，每缺一项扣 1 分",
                    ),
                    _leaf(
                        "A12",
                        "立项程序规范性",
                        4,
                        "是否按规定程序申请、审批、票决",
                        "程序规范得满分，每发现一处不规范扣 1 分",
                    ),
                ],
            ),
            _node(
                "A2",
                "绩效目标",
                6,
                [
                    _leaf(
                        "A21", "绩效目标合理性", 3, "目标是否与项目内容、资金量相匹配", "合理得满分"
                    ),
                    _leaf("A22", "绩效指标明确性", 3, "目标是否细化为可衡量的指标", "明确得满分"),
                ],
            ),
            _node(
                "A3",
                "资金投入",
                6,
                [
                    _leaf("A31", "预算编制科学性", 3, "预算是否经论证、与工作量匹配", "科学得满分"),
                    _leaf("A32", "资金分配合理性", 3, "资金分配依据是否充分", "合理得满分"),
                ],
            ),
        ],
    ),
    _node(
        "B",
        "过程",
        20,
        [
            _node(
                "B1",
                "资金管理",
                10,
                [
                    _leaf(
                        "B11", "资金到位率", 4, "实际到位资金 / 预算资金", PROPORTIONAL, "100", "%"
                    ),
                    _leaf(
                        "B12", "预算执行率", 3, "实际支出 / 实际到位资金", PROPORTIONAL, "100", "%"
                    ),
                    _leaf(
                        "B13",
                        "资金使用合规性",
                        3,
                        "是否专款专用、手续完备",
                        "合规得满分，每发现一处问题扣 1 分",
                    ),
                ],
            ),
            _node(
                "B2",
                "组织实施",
                10,
                [
                    _leaf(
                        "B21", "管理制度健全性", 5, "是否建立项目管理和资金管理制度", "健全得满分"
                    ),
                    _leaf(
                        "B22", "制度执行有效性", 5, "调度、验收、档案是否按制度执行", "有效得满分"
                    ),
                ],
            ),
        ],
    ),
    _node(
        "C",
        "产出",
        30,
        [
            _node(
                "C1",
                "产出数量",
                8,
                [
                    _leaf(
                        "C11", "实际完成率", 8, "实际产出数 / 计划产出数", PROPORTIONAL, "100", "%"
                    ),
                ],
            ),
            _node(
                "C2",
                "产出质量",
                8,
                [
                    _leaf(
                        "C21",
                        "质量达标率",
                        8,
                        "验收合格的产出 / 实际产出",
                        PROPORTIONAL,
                        "100",
                        "%",
                    ),
                ],
            ),
            _node(
                "C3",
                "产出时效",
                7,
                [
                    _leaf(
                        "C31",
                        "完成及时性",
                        7,
                        "是否在计划期限内完成",
                        "按期完成得满分，逾期酌情扣分",
                    ),
                ],
            ),
            _node(
                "C4",
                "产出成本",
                7,
                [
                    _leaf(
                        "C41",
                        "成本节约率",
                        7,
                        "(计划成本 − 实际成本) / 计划成本",
                        "不超预算得满分，超支按比例扣分",
                        "0",
                        "%",
                    ),
                ],
            ),
        ],
    ),
    _node(
        "D",
        "效益",
        30,
        [
            _node(
                "D1",
                "项目效益",
                30,
                [
                    _leaf("D11", "社会效益", 10, "对群众生活、公共服务的改善", "达到预期得满分"),
                    _leaf("D12", "经济效益", 5, "带动就业、降低成本等", "达到预期得满分"),
                    _leaf("D13", "生态效益", 5, "对环境的影响", "达到预期得满分"),
                    _leaf("D14", "可持续影响", 5, "建成后的运行维护机制", "机制健全得满分"),
                    _leaf(
                        "D15", "服务对象满意度", 5, "受益群众问卷满意度", PROPORTIONAL, "90", "%"
                    ),
                ],
            ),
        ],
    ),
]

GRADE_BANDS: list[dict[str, Any]] = [
    {"grade": "优", "min": "90"},
    {"grade": "良", "min": "80"},
    {"grade": "中", "min": "60"},
    {"grade": "差", "min": "0"},
]


def template() -> dict[str, Any]:
    return {
        "editable_default": True,
        "notice": NOTICE,
        "source": SOURCE,
        "name": "民生实事项目绩效评价指标体系（默认模板）",
        "scope": "project",
        "weight_unit": "points",
        "indicators": INDICATORS,
        "grade_bands": GRADE_BANDS,
    }
