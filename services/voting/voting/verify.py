"""Verify a published session export: ``python -m voting.verify export.json [--digest HEX]``.

Recomputes, from the export alone: the audit chain (every entry's hash and link, and that the
published head is the chain's last entry), the session header, rules, candidates and counts
against the ``session_opened`` / ``session_closed`` entries, the tally from the published ballots
(compared field by field, per candidate), and the digest. Prints ``OK 校验通过`` with the digest,
or each problem; pass ``--digest`` with the digest announced on the spot to compare it too.

Exit status: 0 verified, 1 problems found, 2 not a JSON file or not this format.
"""

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from voting.domain.audit import verify_chain
from voting.domain.ballots import Rules, tally
from voting.domain.export import (
    CLOSED,
    DOCUMENT_FIELDS,
    FORMAT,
    OPENED,
    SATISFACTION_KIND,
    digest,
)
from voting.domain.satisfaction import satisfaction_tally


class NotAnExport(ValueError):
    """The document is not a minsheng session export at all (exit 2)."""


def verify(document: Any) -> list[str]:
    """Problems found in an export, one line each; empty means verified."""
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise NotAnExport(f"不是民生票决导出文件 (not a {FORMAT} document)")
    problems = _shape(document)
    if problems:
        return problems
    problems += verify_chain(document["audit"], head=document["audit_head"])
    problems += _bound_by_log(document)
    problems += _recount(document)
    try:
        recomputed = digest(document["result"], document["ballots"], document["audit_head"])
    except (TypeError, ValueError) as exc:
        return [*problems, f"无法计算摘要 (digest cannot be computed: {exc})"]
    if recomputed != document["digest"]:
        problems.append(
            f"摘要不符 (digest differs: published {str(document['digest'])[:16]}…, "
            f"recomputed {recomputed[:16]}…)"
        )
    return problems


def _shape(document: Mapping[str, Any]) -> list[str]:
    keys = set(document)
    if keys != set(DOCUMENT_FIELDS):
        missing, extra = sorted(set(DOCUMENT_FIELDS) - keys), sorted(keys - set(DOCUMENT_FIELDS))
        return [f"导出文件字段不符 (export fields differ: missing {missing}, unexpected {extra})"]
    expected = {"session": dict, "rules": dict, "candidates": list, "ballots": list}
    expected |= {"result": dict, "audit": list, "audit_head": str, "digest": str}
    problems = [
        f"字段 {name} 类型错误 (field {name!r} must be a {kind.__name__})"
        for name, kind in expected.items()
        if not isinstance(document[name], kind)
    ]
    if not problems and not set(map(type, document["ballots"])) <= {dict, type(None)}:
        bad = next(
            i for i, b in enumerate(document["ballots"], 1) if not isinstance(b, dict | None)
        )
        problems.append(f"第 {bad} 张选票格式错误 (ballot {bad} is neither an object nor null)")
    return problems


def _round_of(kind: str, data: Any) -> Any:
    """Which round an opening or closing entry records (a session may have runoff rounds)."""
    if not isinstance(data, Mapping):
        return None
    if kind == OPENED:
        session = data.get("session")
        return session.get("round") if isinstance(session, Mapping) else None
    return data.get("round")


def _bound_by_log(document: Mapping[str, Any]) -> list[str]:
    """The header and counts must be what the chain recorded when this round opened and closed."""
    round_number = document["session"].get("round")
    bound = {
        OPENED: {name: document[name] for name in ("session", "rules", "candidates")},
        CLOSED: {name: document[name] for name in ("present", "issued", "returned")}
        | {"ballots": len(document["ballots"]), "round": round_number},
    }
    problems = []
    for kind, fields in bound.items():
        found = [
            e
            for e in document["audit"]
            if isinstance(e, Mapping)
            and e.get("kind") == kind
            and _round_of(kind, e.get("data")) == round_number
        ]
        data = found[0].get("data") if len(found) == 1 else None
        if not isinstance(data, Mapping):
            problems.append(
                f"审计日志中第 {round_number} 轮应有且仅有一条 {kind} 记录 (the audit log "
                f"must hold exactly one {kind} entry for round {round_number!r})"
            )
            continue
        for name, value in fields.items():
            problems += [
                f"{field} 与审计日志 {kind} 记录不符 ({field!r} differs from the {kind} "
                f"entry: log {_short(logged)}, export {_short(exported)})"
                for field, logged, exported in _differences(name, data.get(name), value)
            ]
    return problems


def _differences(name: str, logged: Any, exported: Any) -> list[tuple[str, Any, Any]]:
    """(dotted field, logged, exported) per differing field, one level into objects."""
    if isinstance(logged, Mapping) and isinstance(exported, Mapping):
        return [
            (f"{name}.{key}", logged.get(key), exported.get(key))
            for key in sorted(set(logged) | set(exported))
            if logged.get(key) != exported.get(key)
        ]
    return [(name, logged, exported)] if logged != exported else []


def _recount(document: Mapping[str, Any]) -> list[str]:
    try:
        if document["session"].get("kind") == SATISFACTION_KIND:
            recount = satisfaction_tally(
                document["candidates"],
                document["ballots"],
                document["issued"],
                document["returned"],
            ).as_dict()
            return compare_results(document["result"], recount, key="project_id")
        rules = Rules(**document["rules"])
        recount = tally(
            rules,
            document["candidates"],
            document["ballots"],
            document["present"],
            document["issued"],
            document["returned"],
        ).as_dict()
    except (TypeError, ValueError) as exc:
        return [f"无法重新计票 (cannot recount from the export: {exc})"]
    return compare_results(document["result"], recount)


def compare_results(
    published: Mapping[str, Any], recount: Mapping[str, Any], key: str = "candidate_id"
) -> list[str]:
    """Field by field, and per candidate for ``results``."""
    problems = [
        f"结果字段 {name} 不符 (result field {name!r} differs: published "
        f"{_short(published.get(name))}, recount {_short(recount.get(name))})"
        for name in sorted(set(published) | set(recount))
        if name != "results" and published.get(name) != recount.get(name)
    ]
    rows = published.get("results")
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        return [*problems, "结果缺少候选项目明细 (result 'results' is not a list of objects)"]
    return problems + _compare_rows(rows, recount["results"], key)


def _compare_rows(
    rows: Sequence[Mapping[str, Any]], recount: Sequence[Mapping], key: str
) -> list[str]:
    problems = []
    by_id = {row.get(key): row for row in rows}
    for position, expected in enumerate(recount):
        candidate = expected[key]
        row = by_id.get(candidate)
        if row is None:
            problems.append(f"结果缺少候选项目 {candidate} (candidate {candidate} missing)")
            continue
        if position >= len(rows) or rows[position] is not row:
            problems.append(f"候选项目 {candidate} 的位置不符 (candidate {candidate} moved)")
        problems += [
            f"候选项目 {candidate} 的 {name} 不符 (candidate {candidate} {name} differs: "
            f"published {_short(row.get(name))}, recount {_short(expected.get(name))})"
            for name in sorted(set(row) | set(expected))
            if row.get(name) != expected.get(name)
        ]
    known = {row[key] for row in recount}
    problems += [
        f"结果多出候选项目 {c} (candidate {c!r} is not on the list)"
        for c in by_id
        if c not in known
    ]
    if len(by_id) != len(rows):
        problems.append("结果中有重复的候选项目 (a candidate appears twice in the result)")
    return problems


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    return text if len(text) <= 80 else text[:77] + "…"


def load(path: str) -> Any:
    """The parsed file ('-' for stdin); NotAnExport for anything that is not JSON."""
    try:
        if path == "-":
            return json.load(sys.stdin)
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except OSError as exc:
        raise NotAnExport(f"无法读取 {path} (cannot read {path}: {exc.strerror})") from None
    except UnicodeDecodeError:
        raise NotAnExport(f"{path} 不是 UTF-8 文本 (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise NotAnExport(
            f"{path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列 "
            f"(not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise NotAnExport(f"{path} 无法解析 (cannot parse: {exc})") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voting.verify", description=__doc__)
    parser.add_argument("export", help="the export file (JSON), or - for standard input")
    parser.add_argument("--digest", help="the digest announced on the spot, to compare")
    args = parser.parse_args(argv)
    try:
        document = load(args.export)
        problems = verify(document)
    except NotAnExport as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    if args.digest is not None and args.digest != document["digest"]:
        problems.append(
            f"与现场公布的摘要不符 (the export's digest is not the announced one {args.digest})"
        )
    if problems:
        sys.stdout.write("".join(f"{p}\n" for p in problems))
        sys.stdout.write(f"校验失败 (verification failed: {len(problems)} problem(s))\n")
        return 1
    sys.stdout.write(
        f"OK 校验通过 (verified): digest {document['digest']}, "
        f"{len(document['ballots'])} ballots, {len(document['audit'])} audit entries, "
        f"head {document['audit_head']}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
