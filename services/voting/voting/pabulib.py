"""An election round as a Pabulib ``.pb`` file (format: pabulib.org/format), for researchers'
participatory-budgeting tools such as ``pabutools``.

Built from the round's JSON export document (`voting.domain.export.build_export`), so the file
says nothing the published export does not; the export's digest is repeated in the comment.
What the Pabulib fields honestly hold for a seats-based congress vote:

- **VOTES**: the valid ballots only (validity is `voting.domain.ballots.split_valid`, the engine's
  own rule), each as the candidates it approves; oppose, abstain and "not marked" all read as "not
  approved". ``voter_id`` is the ballot's 1-based place in the export's (shuffled) ``ballots``,
  so each vote can be found there. A valid ballot approving nobody is a vote too: ``min_length``
  is 0; ``max_length`` is the seats (K), the most approvals a valid ballot may carry.
- **PROJECTS**: ``project_id`` is the ballot position (序号): short, and safe in a
  comma-separated vote; ``candidate_id`` (an extra column) names the candidate as the export does.
  ``votes`` counts approvals over the valid ballots, ``selected`` is 1 when elected this round.
- **Costs and budget**: a budget only means something when every cost is known. When every
  candidate has an estimated cost, costs are yuan (``currency`` CNY) and ``budget`` is the
  elected candidates' total — what the vote committed; otherwise every cost is 1 and ``budget``
  is the seats, so a budget rule with unit costs picks at most K, as the congress did. The
  comment says which.
- **rule**: not "greedy": the K candidates with the most approvals among those reaching the
  threshold, ties at the cut-off going to a runoff (explained in the comment).

Satisfaction votes (three answers, not approvals) and consultations (no ballot) have no ``.pb``.
"""

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain
from typing import Any

from contracts.voting import CONSULTATION, ELECTION_KINDS, SATISFACTION, SESSION_KIND_NAMES
from servicekit.tables import yuan

from voting.domain.ballots import APPROVE, Ballot, Rules, split_valid
from voting.domain.export import FORMAT
from voting.exports import BASE_NAMES, area_label

RULE = "top-k-approvals-reaching-threshold"
PROJECT_COLUMNS = ("project_id", "cost", "votes", "selected", "name", "candidate_id")
NO_PB = {
    SATISFACTION: (
        "满意度测评的每一票是三级评价而非赞成票，没有 Pabulib（.pb）导出 "
        "(a satisfaction vote is not an approval vote: no .pb export)"
    ),
    CONSULTATION: (
        "会商制不投票，没有 Pabulib（.pb）导出 "
        "(a street consultation casts no ballots: no .pb export)"
    ),
}

Projects = Mapping[str, tuple[str, int | None]]  # candidate id → (title, estimated cost in fen)


def _check_document(document: Mapping[str, Any]) -> None:
    kind = document.get("session", {}).get("kind")
    if kind in NO_PB:
        raise ValueError(NO_PB[kind])
    if document.get("format") != FORMAT or kind not in ELECTION_KINDS:
        raise ValueError(
            f"不是票决的 {FORMAT} 导出文件，无法生成 .pb (not a {FORMAT} election export)"
        )


def approval_votes(
    rules: Rules, candidates: Sequence[str], ballots: Sequence[Ballot]
) -> list[tuple[int, list[int]]]:
    """(voter id, approved ballot positions) of each valid ballot, in published order."""
    valid, _ = split_valid(rules, candidates, ballots)
    kept = {id(ballot) for ballot in valid}  # same objects: the places survive the split
    return [
        (number, [p for p, c in enumerate(candidates, 1) if ballot.get(c) == APPROVE])
        for number, ballot in enumerate(ballots, 1)
        if id(ballot) in kept
    ]


def _plain(value: object) -> str:
    """One line: the pabutools reader splits lines before it reads CSV quoting."""
    return " ".join(str(value).split())


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


def _costs(candidates: Sequence[str], projects: Projects) -> list[Decimal] | None:
    """Every candidate's cost in yuan, or None when any is unknown."""
    fen = [projects.get(c, (c, None))[1] for c in candidates]
    return None if None in fen else [yuan(f) for f in fen]


def _comment(rules: Rules, result: Mapping[str, Any], digest: str, costs_known: bool) -> str:
    parts = [
        f"应选 {rules.seats} 名：赞成票达到当选票数 {result['threshold']}"
        f"（{BASE_NAMES[rules.threshold_base]}）的候选项目中取赞成票最多的 {rules.seats} 名，"
        "末位同票超出名额时同票者另行投票 (the seats go to the candidates with the most "
        "approvals among those reaching the threshold, a tie at the cut-off goes to a runoff)",
        "VOTES 只含有效票，列出所赞成的项目；反对、弃权、未划记均为未赞成；voter_id 是该票在"
        "公布的 JSON 导出（已打乱）中的序号 (valid ballots only, as approvals, voter_id = the "
        "place in the published, shuffled ballots)",
        "项目费用为估算金额（元），budget 为当选项目估算金额之和 (costs: estimated yuan, "
        "budget: the elected projects' total)"
        if costs_known
        else "估算金额不全，项目费用均记为 1，budget 为应选名额 (costs unknown: 1 each, "
        "budget = seats)",
        f"结果摘要 (digest) {digest}，可用 python -m voting.verify 核对 JSON 导出",
    ]
    if result.get("void"):
        parts.append("收回选票多于发出选票，本轮投票无效 (void round: more returned than issued)")
    return " ".join(f"#{n}: {text}" for n, text in enumerate(parts, 1))


def _description(session: Mapping[str, Any], title: str | None) -> str:
    kind = SESSION_KIND_NAMES[session["kind"]]
    name = title or f"{area_label(session['area_code'])}{session['year']}年民生实事项目{kind}"
    round_part = f"第{session['round']}轮，" if session.get("round") else ""
    return (
        f"{name}（{round_part}{kind}，会议编号 {session['id']}） "
        "(people's congress deputies' vote on livelihood projects)"
    )


def _meta(
    document: Mapping[str, Any],
    rules: Rules,
    sizes: tuple[int, int],
    budget: Decimal,
    costs_known: bool,
    title: str | None,
    voted_on: date | None,
) -> list[tuple[str, object]]:
    session = document["session"]
    meta: list[tuple[str, object]] = [
        ("description", _description(session, title)),
        ("country", "China"),
        ("unit", area_label(session["area_code"])),
        ("instance", session["year"]),
        ("num_projects", sizes[0]),
        ("num_votes", sizes[1]),
        ("budget", _money(budget)),
        ("vote_type", "approval"),
        ("rule", RULE),
        ("min_length", 0),
        ("max_length", rules.seats),
    ]
    if costs_known:
        meta.append(("currency", "CNY"))
    if voted_on is not None:  # Pabulib writes dates day first
        meta += [("date_begin", f"{voted_on:%d.%m.%Y}"), ("date_end", f"{voted_on:%d.%m.%Y}")]
    meta.append(("comment", _comment(rules, document["result"], document["digest"], costs_known)))
    return meta


def _budget(
    rules: Rules, candidates: Sequence[str], costs: list[Decimal] | None, elected: set[str]
) -> Decimal:
    if costs is None:
        return Decimal(rules.seats)
    return sum(
        (cost for cost, c in zip(costs, candidates, strict=True) if c in elected), Decimal(0)
    )


def _project_rows(
    candidates: Sequence[str],
    projects: Projects,
    costs: list[Decimal] | None,
    elected: set[str],
    votes: list[tuple[int, list[int]]],
) -> list[list[object]]:
    approvals = Counter(chain.from_iterable(approved for _, approved in votes))
    return [
        [
            *(position, _money(costs[position - 1]) if costs else 1, approvals[position]),
            *(int(c in elected), _plain(projects.get(c, (c, None))[0]), _plain(c)),
        ]
        for position, c in enumerate(candidates, 1)
    ]


def pabulib_text(
    document: Mapping[str, Any],
    projects: Projects,
    *,
    title: str | None = None,
    voted_on: date | None = None,
) -> str:
    """The ``.pb`` text of one election round: `document` is its JSON export, `projects` gives
    each candidate's title and estimated cost in fen (None: unknown), `title` the session's
    (else one is made up from area, year and kind), `voted_on` the day of the vote if known.
    Raises ValueError (Chinese first) for a satisfaction vote, a consultation, or anything that
    is not an election export."""
    _check_document(document)
    rules, candidates = Rules(**document["rules"]), list(document["candidates"])
    votes = approval_votes(rules, candidates, document["ballots"])
    elected = set(document["result"]["elected"])
    costs = _costs(candidates, projects)
    budget = _budget(rules, candidates, costs, elected)
    sizes = (len(candidates), len(votes))
    meta = _meta(document, rules, sizes, budget, costs is not None, title, voted_on)
    return _write(meta, _project_rows(candidates, projects, costs, elected, votes), votes)


def _write(
    meta: list[tuple[str, object]], projects: list[list[object]], votes: list[tuple[int, list]]
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows([["META"], ["key", "value"]])
    writer.writerows([key, _plain(value)] for key, value in meta)
    writer.writerows([["PROJECTS"], [*PROJECT_COLUMNS]])
    writer.writerows(projects)
    writer.writerows([["VOTES"], ["voter_id", "vote"]])
    writer.writerows([number, ",".join(map(str, approved))] for number, approved in votes)
    return buffer.getvalue()
