"""Synthetic data for the stage-1 benchmark: a city-wide areas file and proposal texts.

The areas file keeps the real city and its 9 banners/districts and adds N sample townships
spread over them (marked `sample`, named 示例镇), because the shipped file holds only a sample of
20 townships and the benchmark needs the whole city's ~80. Proposal texts are built from parts
(place x facility x problem) so that, as in real intake, many share words and some are near
duplicates, which is what the duplicate index has to cope with.
"""

import json
import random
from pathlib import Path

from contracts.reference import CATEGORIES
from servicekit import areas

SAMPLE_TOWN_BASE = 301  # shipped sample codes end in 0xx and 1xx/2xx: no collision
PLACES = ("幸福小区", "团结社区", "阳光嘎查", "新华街", "民族路", "东湖村", "北苑小区", "红旗嘎查",
          "光明社区", "育才路", "滨河小区", "兴盛村")  # fmt: skip
FACILITIES = ("供暖管网", "路灯", "停车场", "卫生室", "幼儿园", "老年食堂", "公共厕所", "健身广场",
              "排水管道", "公交站台", "充电桩", "文化室")  # fmt: skip
PROBLEMS = ("年久失修", "数量不足", "距离太远", "冬季经常故障", "无人管理", "设施老化严重",
            "雨季积水", "夜间照明不够")  # fmt: skip


def write_city_areas(folder: Path, townships: int) -> tuple[Path, list[str]]:
    """The shipped areas (the demo accounts live there) plus `townships` sample towns spread
    round-robin over the banners; returns the file and the sample towns' codes."""
    shipped = areas.load(str(areas.DEFAULT_AREAS_FILE))  # not load(): that caches AREAS_FILE
    rows = [area.as_dict() for area in shipped.all()]
    banners = [area for area in shipped.all() if area.level == "banner"]
    added = []
    for index in range(townships):
        banner = banners[index % len(banners)]
        number = SAMPLE_TOWN_BASE + index // len(banners)
        added.append(f"{banner.code}{number:03d}")
        rows.append(
            {
                "code": added[-1],
                "name": f"{banner.name}示例镇{number - SAMPLE_TOWN_BASE + 1:02d}",
                "kind": "town",
                "parent": banner.code,
                "sample": True,
            }
        )
    path = folder / "areas_bench.json"
    document = {"name": "benchmark areas", "note": "synthetic towns", "areas": rows}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path, added


def proposal(area_code: str, rng: random.Random) -> dict:
    place, facility, problem = rng.choice(PLACES), rng.choice(FACILITIES), rng.choice(PROBLEMS)
    return {
        "title": f"{place}{facility}改造提升",
        "description": (
            f"{place}的{facility}{problem}，居民反映强烈，影响日常生活。建议有关部门实地查看，"
            f"统筹资金对{facility}进行改造，并建立长效管护机制。"
        ),
        "category": rng.choice(CATEGORIES),
        "area_code": area_code,
        "channel": "online",
        "location": {
            "text": f"{place}",
            "lat": round(39.6 + rng.random() * 0.4, 5),
            "lng": round(109.6 + rng.random() * 0.4, 5),
        },
        "estimated_cost_fen": rng.randrange(10_000_00, 5_000_000_00, 100),
        "beneficiaries": rng.randrange(50, 5000),
    }
