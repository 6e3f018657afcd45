"""The published export of a session and the result digest, pure: standard library only, no I/O.

One JSON document (`build_export`), format ``minsheng-session-export/1``::

    {"format": "minsheng-session-export/1",
     "session": {"id", "area_code", "year", "kind", "rules_version", "round"},
     "rules": Rules.as_dict(),            "candidates": [ids in ballot order],
     "present": n, "issued": n|null, "returned": n|null,
     "ballots": [ballots in published order: {candidate id: "approve"|"oppose"|"abstain"} or null],
     "result": Tally.as_dict(),           "audit": [{seq, kind, data, prev, hash}, ...],
     "audit_head": hex, "digest": hex}

- **Digest** = sha256 hex of ``canonical_json({"result": …, "ballots": …, "audit_head": …})``
  (keys sorted, so the bytes are ``{"audit_head":…,"ballots":[…],"result":{…}}``). It is
  announced on the spot; anyone recomputes it from the export (`python -m voting.verify`).
- **Published order**: `build_export` shuffles the ballots with `secrets.SystemRandom`, never
  keeping the casting order; build the export once, at the announcement, and keep that document:
  the digest covers this order.
- **Secrecy**: a published ballot holds candidate ids and choices only, nothing else: no deputy
  id, token, receipt, time or client address (`build_export` refuses any other key or value; a
  paper ballot with anything else on it is entered as None, unreadable). The audit entries of
  the ballot box hold counts, not identities (`voting.domain.audit`).
- **What binds the header**: the digest covers result, ballots and head; the session header,
  rules and candidates are bound by the ``session_opened`` entry (`opening_data`) and the counts
  by the ``session_closed`` entry (`closing_data`), both inside the chain the head names. The
  export carries the chain up to the head the digest names (the entry recording the
  announcement, with the digest in it, follows in the live log).
"""

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from voting.domain.audit import Entry, head
from voting.domain.ballots import CHOICES, Ballot, Rules, Tally
from voting.domain.canonical import canonical_text, check_json_value
from voting.domain.satisfaction import SATISFACTION_CHOICES, SatisfactionTally

FORMAT = "minsheng-session-export/1"
SESSION_FIELDS = ("id", "area_code", "year", "kind", "rules_version", "round")
SATISFACTION_KIND = "satisfaction"  # a satisfaction vote: 满意 / 基本满意 / 不满意 per project
DOCUMENT_FIELDS = (
    "format",
    "session",
    "rules",
    "candidates",
    "present",
    "issued",
    "returned",
    "ballots",
    "result",
    "audit",
    "audit_head",
    "digest",
)
OPENED, CLOSED = "session_opened", "session_closed"
# A choice is written between quotes in the fast path: it must need no escaping (canonical JSON
# keeps Chinese as is).
_SAFE_CHOICES = frozenset(CHOICES) | frozenset(SATISFACTION_CHOICES)


def opening_data(
    session: Mapping[str, Any], rules: Rules, candidates: Sequence[str], **more: Any
) -> dict[str, Any]:
    """The ``session_opened`` entry's data: the header the export repeats, plus e.g. the roster
    and candidate-list hashes (`more`)."""
    return {
        **more,
        "session": session_header(session),
        "rules": rules.as_dict(),
        "candidates": list(candidates),
    }


def closing_data(
    present: int, issued: int | None, returned: int | None, ballots: int, round_number: int = 1
) -> dict[str, int | None]:
    """The ``session_closed`` entry's data for one round: counts only."""
    return {
        "round": round_number,
        "present": present,
        "issued": issued,
        "returned": returned,
        "ballots": ballots,
    }


def choices_for(kind: str) -> frozenset[str]:
    """The answers a ballot of this session kind may carry."""
    return frozenset(SATISFACTION_CHOICES if kind == SATISFACTION_KIND else CHOICES)


def session_header(session: Mapping[str, Any]) -> dict[str, Any]:
    if set(session) != set(SESSION_FIELDS):
        raise ValueError(f"session header fields must be exactly {SESSION_FIELDS}")
    header = {name: session[name] for name in SESSION_FIELDS}
    check_json_value(header)
    return header


def digest(result: Mapping[str, Any], ballots: Sequence[Ballot], audit_head: str) -> str:
    """sha256 hex of canonical_json({"result", "ballots", "audit_head"}), ballots as published.

    Streamed: the ballots' canonical text is hashed piece by piece, never joined."""
    prefix = ('{"audit_head":' + canonical_text(audit_head) + ',"ballots":').encode()
    suffix = (',"result":' + canonical_text(result) + "}").encode()
    for pieces in _ballot_pieces(ballots):
        hasher = hashlib.sha256(prefix)
        try:
            for piece in pieces:
                hasher.update(piece.encode("utf-8"))
        except KeyError:  # the fast path met a ballot over other candidates
            continue
        hasher.update(suffix)
        return hasher.hexdigest()
    raise AssertionError("unreachable: the general encoder always answers")


def canonical_ballots(ballots: Sequence[Any]) -> str:
    """canonical_text(list(ballots)), byte for byte, from the same pieces `digest` hashes."""
    for pieces in _ballot_pieces(ballots):
        try:
            return "".join(pieces)
        except KeyError:
            continue
    raise AssertionError("unreachable: the general encoder always answers")


def _ballot_pieces(ballots: Sequence[Any]) -> Iterator[Iterable[str]]:
    """Ways to spell the ballots' canonical text as pieces, fastest first.

    The fast way, when every ballot that is not None is a dict of as many candidates as the
    first, and every choice is one of CHOICES: one C-level ``template % values`` per ballot. It
    raises KeyError, while being read, at a ballot over other candidates (equal lengths and no
    missing key mean equal key sets); the next way, the general encoder, always works."""
    fast = _fast_pieces(ballots)
    if fast is not None:
        yield fast
    yield [canonical_text(list(ballots))]


def _fast_pieces(ballots: Sequence[Any]) -> Iterable[str] | None:
    papers = [b for b in ballots if b is not None]
    if not papers or set(map(type, papers)) != {dict}:
        return None
    keys = sorted(papers[0])
    if not keys or set(map(len, papers)) != {len(keys)} or not set(map(type, keys)) <= {str}:
        return None
    try:
        if not set(chain.from_iterable(map(dict.values, papers))) <= _SAFE_CHOICES:
            return None
    except TypeError:  # an unhashable value
        return None
    template = ",".join(
        json.dumps(k, ensure_ascii=False).replace("%", "%%") + ':"%s"' for k in keys
    )
    first, rest = ("{" + template + "}").__mod__, (",{" + template + "}").__mod__
    pick = itemgetter(*keys)
    if len(papers) == len(ballots):
        return chain(("[", first(pick(papers[0]))), map(rest, map(pick, papers[1:])), ("]",))
    return _mixed_pieces(ballots, first, rest, pick)


def _mixed_pieces(
    ballots: Iterable[Ballot],
    first: Callable[[object], str],
    rest: Callable[[object], str],
    pick: Callable[[Mapping[str, str]], object],
) -> Iterator[str]:
    yield "["
    encode = first
    for ballot in ballots:
        if ballot is None:
            yield "null" if encode is first else ",null"
        else:
            yield encode(pick(ballot))
        encode = rest
    yield "]"


def publish_order(ballots: Sequence[Ballot]) -> list[Ballot]:
    """A copy of the ballots in a fresh random order (secrets.SystemRandom), never casting order."""
    shuffled: list[Ballot] = [None if b is None else dict(b) for b in ballots]
    secrets.SystemRandom().shuffle(shuffled)
    return shuffled


def check_ballot_contents(
    candidates: Sequence[str], ballots: Sequence[Ballot], allowed: frozenset[str] = _SAFE_CHOICES
) -> None:
    """Refuse to publish a ballot holding anything but candidate ids and choices."""
    known = frozenset(candidates)
    for number, ballot in enumerate(ballots, 1):
        if ballot is None:
            continue
        if not isinstance(ballot, Mapping) or not ballot.keys() <= known:
            raise ValueError(
                f"第 {number} 张选票含候选项目以外的内容，不能公布 "
                f"(ballot {number} holds keys other than candidate ids: not published)"
            )
        if not set(ballot.values()) <= allowed:
            raise ValueError(
                f"第 {number} 张选票含未知选项，不能公布 (ballot {number} holds an unknown choice)"
            )


def build_export(
    session: Mapping[str, Any],
    rules: Rules,
    candidates: Sequence[str],
    present: int,
    issued: int | None,
    returned: int | None,
    ballots: Sequence[Ballot],
    result: Tally | SatisfactionTally | Mapping[str, Any],
    audit: Sequence[Entry | Mapping[str, Any]],
) -> dict[str, Any]:
    """The export document (see the module docstring); ballots are shuffled here."""
    header = session_header(session)
    check_ballot_contents(candidates, ballots, choices_for(header["kind"]))
    published = publish_order(ballots)
    result_dict = dict(result) if isinstance(result, Mapping) else result.as_dict()
    entries = [e.as_dict() if isinstance(e, Entry) else dict(e) for e in audit]
    audit_head = head(entries)
    return {
        "format": FORMAT,
        "session": header,
        "rules": rules.as_dict(),
        "candidates": list(candidates),
        "present": present,
        "issued": issued,
        "returned": returned,
        "ballots": published,
        "result": result_dict,
        "audit": entries,
        "audit_head": audit_head,
        "digest": digest(result_dict, published, audit_head),
    }
