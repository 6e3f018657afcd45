"""A suggestion of supervision groups (stdlib only): who sits in which group and which group
watches which project, every assignment's score explained in Chinese.

The rules, in order:
- one group per leader (组长) given, fewer if `group_count` asks, never more groups than
  projects (a group with nothing to watch is no group);
- deputies are spread evenly (no group above its fair share, none left without one while
  there are enough), a deputy joining the group that already holds their field;
- each project goes to one group: +3 when a member's specialty fits the project's category
  (AFFINITY), −1 for every project the group already has; a group that is full (its fair share)
  takes no more, and the last projects go to groups still empty, so every group gets one;
- ties go to the group with fewer projects, then to the earlier group. Inputs are sorted
  first, so the same inputs always give the same suggestion.
"""

from dataclasses import dataclass, field

FIT = 3
LOAD = 1
# Specialty (专业/职业) keywords -> the project categories (contracts.reference.CATEGORIES)
# whose work they can judge. A keyword matches inside the specialty ("建筑工程师" has "建筑").
AFFINITY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("教师", ("教育", "养老托育")),
    ("教育", ("教育", "养老托育")),
    ("学校", ("教育",)),
    ("医", ("医疗卫生", "养老托育")),
    ("卫生", ("医疗卫生", "农村牧区人居环境")),
    ("护", ("医疗卫生", "养老托育")),
    ("药", ("医疗卫生",)),
    ("养老", ("养老托育",)),
    ("托育", ("养老托育",)),
    ("幼", ("养老托育", "教育")),
    ("民政", ("养老托育",)),
    ("社会工作", ("养老托育", "老旧小区改造")),
    ("社区", ("老旧小区改造", "养老托育")),
    ("物业", ("老旧小区改造",)),
    ("建筑", ("老旧小区改造", "基础设施")),
    ("土木", ("基础设施", "老旧小区改造")),
    ("工程", ("基础设施", "老旧小区改造", "交通出行")),
    ("规划", ("基础设施", "老旧小区改造", "交通出行")),
    ("市政", ("基础设施", "交通出行")),
    ("水利", ("基础设施", "农村牧区人居环境")),
    ("电力", ("基础设施",)),
    ("交通", ("交通出行",)),
    ("道路", ("交通出行", "基础设施")),
    ("公路", ("交通出行", "基础设施")),
    ("运输", ("交通出行",)),
    ("农", ("农村牧区人居环境",)),
    ("牧", ("农村牧区人居环境",)),
    ("环境", ("农村牧区人居环境",)),
    ("环保", ("农村牧区人居环境",)),
    ("企业", ("就业创业",)),
    ("经济", ("就业创业",)),
    ("人力资源", ("就业创业",)),
    ("创业", ("就业创业",)),
    ("个体", ("就业创业",)),
    ("文化", ("文化体育",)),
    ("体育", ("文化体育",)),
    ("艺术", ("文化体育",)),
)


@dataclass(frozen=True)
class Person:
    subject: str
    name: str
    specialty: str | None = None


@dataclass(frozen=True)
class ProjectCard:
    project_id: str
    title: str
    category: str


@dataclass
class Assignment:
    project: ProjectCard
    score: int
    why: str


@dataclass
class Proposal:
    name: str
    leader: Person
    deputies: list[Person] = field(default_factory=list)
    projects: list[Assignment] = field(default_factory=list)


@dataclass
class Suggested:
    groups: list[Proposal]
    unmatched_deputies: list[str]
    notes: list[str]


def categories_of(specialty: str | None) -> tuple[str, ...]:
    """The categories a specialty fits, in AFFINITY's order, each once."""
    if not specialty:
        return ()
    found = [c for keyword, cats in AFFINITY if keyword in specialty for c in cats]
    return tuple(dict.fromkeys(found))


def suggest(
    projects: list[ProjectCard],
    deputies: list[Person],
    leaders: list[Person],
    group_count: int | None,
    order: tuple[str, ...],
) -> Suggested:
    """`order` is the categories' canonical order (projects are taken category by category)."""
    notes: list[str] = []
    leaders = list({p.subject: p for p in reversed(leaders)}.values())[::-1]  # first wins
    count = _group_count(len(projects), len(leaders), group_count, notes)
    groups = [Proposal(f"第{n + 1}监督组", leader) for n, leader in enumerate(leaders[:count])]
    taken = {g.leader.subject for g in groups}
    people = [d for d in _unique(deputies) if d.subject not in taken]
    _seat_deputies(groups, people)
    ranked = sorted(projects, key=lambda p: (_rank(p.category, order), p.project_id))
    for left, project in enumerate(ranked):
        _assign(groups, project, len(ranked) - left)
    wanted = {p.category for p in projects}
    unmatched = [d.subject for d in people if not wanted & set(categories_of(d.specialty))]
    if people and len(unmatched) == len(people):
        notes.append("没有代表的专业与本年度项目类别相符，按人数平均分组 (no specialty fits)")
    return Suggested(groups, unmatched, notes)


def _group_count(projects: int, leaders: int, asked: int | None, notes: list[str]) -> int:
    count = min(asked or leaders, leaders)
    if asked and asked > leaders:
        notes.append(f"组长只有{leaders}名，小组数减为{leaders} (one leader per group)")
    if projects and count > projects:
        notes.append(f"项目只有{projects}个，小组数减为{projects} (no more groups than projects)")
        count = projects
    if not projects:
        notes.append("本地区本年度尚无项目，小组暂无监督对象 (no projects yet)")
    return max(count, 1)


def _unique(people: list[Person]) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in people:
        seen.setdefault(person.subject, person)
    return sorted(seen.values(), key=lambda p: (categories_of(p.specialty)[:1], p.name, p.subject))


def _rank(category: str, order: tuple[str, ...]) -> int:
    return order.index(category) if category in order else len(order)


def _seat_deputies(groups: list[Proposal], people: list[Person]) -> None:
    """Evenly: a group at its fair share (rounded up) takes no more, and the last deputies go
    to groups still without one; among the groups open, the one sharing most of the deputy's
    fields, then the smallest, then the earliest (people come sorted by field, so a field's
    deputies sit together while the balance allows)."""
    share = -(-len(people) // len(groups))  # ceiling
    for seated, person in enumerate(people):
        fields = set(categories_of(person.specialty))
        open_groups = [g for g in groups if len(g.deputies) < share]
        empty = [g for g in groups if not g.deputies]
        if empty and len(people) - seated <= len(empty):
            open_groups = empty
        best = max(
            open_groups,
            key=lambda g: (_shared(g, fields), -len(g.deputies), -groups.index(g)),
        )
        best.deputies.append(person)


def _shared(group: Proposal, fields: set[str]) -> int:
    return sum(bool(fields & set(categories_of(d.specialty))) for d in group.deputies)


def _assign(groups: list[Proposal], project: ProjectCard, left: int) -> None:
    total = sum(len(g.projects) for g in groups) + left  # every project, this one included
    share = -(-total // len(groups))  # the fair share, rounded up
    candidates = [g for g in groups if len(g.projects) < share]
    empty = [g for g in groups if not g.projects]
    if empty and left <= len(empty):
        candidates = empty  # the last projects go where there is none, so every group has one
    scored = [(g, *_score(g, project)) for g in candidates]
    group, score, why = max(scored, key=lambda s: (s[1], -len(s[0].projects), -groups.index(s[0])))
    group.projects.append(Assignment(project, score, why))


def _score(group: Proposal, project: ProjectCard) -> tuple[int, str]:
    fit = next(
        (
            p
            for p in [group.leader, *group.deputies]
            if project.category in categories_of(p.specialty)
        ),
        None,
    )
    load = len(group.projects)
    if fit is not None:
        parts = [f"专业'{fit.specialty}'与项目类别'{project.category}'相符 +{FIT}"]
    else:
        parts = [f"组内无与项目类别'{project.category}'相符的专业 +0"]
    parts.append(f"该组已有{load}个项目 −{load * LOAD}" if load else "该组尚无项目 −0")
    return (FIT if fit else 0) - load * LOAD, "；".join(parts)
