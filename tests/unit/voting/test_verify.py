"""The session export, its digest and the verifier (`python -m voting.verify`)."""

import copy
import hashlib
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from voting import verify as verifier
from voting.domain.audit import Entry, append
from voting.domain.ballots import Rules, tally
from voting.domain.canonical import canonical_json, canonical_text
from voting.domain.export import (
    CLOSED,
    FORMAT,
    build_export,
    canonical_ballots,
    closing_data,
    digest,
    opening_data,
)

SESSION = {
    "id": "s-1",
    "area_code": "150602",
    "year": 2026,
    "kind": "congress",
    "rules_version": 3,
    "round": 1,
}
CANDIDATES = ["P1", "P2", "P3", "P4", "P5", "P6"]
RULES = Rules(seats=3, deputies_total=12)
CHOICE = ("approve", "oppose", "abstain")


def random_ballots(rng: random.Random, n: int, candidates=CANDIDATES, seats=3) -> list:
    ballots = []
    for _ in range(n):
        if rng.random() < 0.1:
            ballots.append(None)
            continue
        approved = set(rng.sample(candidates, rng.randint(0, seats + 1)))  # some too many
        ballots.append(
            {c: "approve" if c in approved else rng.choice(CHOICE[1:]) for c in candidates}
        )
    return ballots


def honest_export(ballots, rules=RULES, candidates=CANDIDATES, present=None, issued=None):
    present = len(ballots) if present is None else present
    issued = present if issued is None else issued
    log: list[Entry] = []
    append(log, "session_opened", opening_data(SESSION, rules, candidates, roster_sha256="ab" * 32))
    append(log, "ballots_received", {"count": len(ballots)})  # counts, not identities
    append(log, CLOSED, closing_data(present, issued, len(ballots), len(ballots)))
    result = tally(rules, candidates, ballots, present, issued, len(ballots))
    append(
        log,
        "tallied",
        {"result_sha256": hashlib.sha256(canonical_json(result.as_dict())).hexdigest()},
    )
    return build_export(
        SESSION, rules, candidates, present, issued, len(ballots), ballots, result, log
    )


@pytest.fixture
def export():
    return honest_export(random_ballots(random.Random(7), 12))


class TestDigest:
    def test_is_sha256_of_the_canonical_triple(self, export):
        expected = hashlib.sha256(
            canonical_json(
                {
                    "result": export["result"],
                    "ballots": export["ballots"],
                    "audit_head": export["audit_head"],
                }
            )
        ).hexdigest()
        assert export["digest"] == expected
        assert digest(export["result"], export["ballots"], export["audit_head"]) == expected

    def test_unchanged_when_nothing_changes(self, export):
        again = copy.deepcopy(export)
        assert digest(again["result"], again["ballots"], again["audit_head"]) == export["digest"]

    def test_changes_with_any_result_field(self, export):
        for name in export["result"]:
            result = copy.deepcopy(export["result"])
            result[name] = "changed"
            assert digest(result, export["ballots"], export["audit_head"]) != export["digest"], name
        result = copy.deepcopy(export["result"])
        result["results"][2]["oppose"] += 1
        assert digest(result, export["ballots"], export["audit_head"]) != export["digest"]

    def test_changes_with_any_ballot(self, export):
        for i, ballot in enumerate(export["ballots"]):
            ballots = copy.deepcopy(export["ballots"])
            ballots[i] = (
                {"P1": "oppose"}
                if ballot is None
                else {**ballot, "P1": "abstain" if ballot["P1"] != "abstain" else "oppose"}
            )
            assert digest(export["result"], ballots, export["audit_head"]) != export["digest"], i

    def test_changes_with_the_head(self, export):
        assert digest(export["result"], export["ballots"], "1" * 64) != export["digest"]

    def test_changes_with_the_order_of_ballots(self):
        ballots = [{"P1": "approve"}, {"P1": "oppose"}]
        assert digest({}, ballots, "h") != digest({}, ballots[::-1], "h")

    def test_refuses_floats(self):
        with pytest.raises(ValueError):
            digest({"present": 1.0}, [], "h")


class TestExport:
    def test_shape(self, export):
        assert list(export) == [
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
        ]
        assert export["format"] == FORMAT
        assert export["audit_head"] == export["audit"][-1]["hash"]
        json.dumps(export, allow_nan=False)  # plain JSON throughout

    def test_ballots_hold_only_candidates_and_choices(self, export):
        for ballot in export["ballots"]:
            assert ballot is None or (
                set(ballot) <= set(CANDIDATES) and set(ballot.values()) <= set(CHOICE)
            )

    def test_ballots_are_shuffled_not_in_casting_order(self):
        ballots = [{"P1": "approve" if i % 2 else "oppose", "P2": CHOICE[i % 3]} for i in range(60)]
        rules = Rules(seats=3, deputies_total=100)
        orders = {json.dumps(honest_export(ballots, rules)["ballots"]) for _ in range(3)}
        assert json.dumps(ballots) not in orders and len(orders) > 1

    @pytest.mark.parametrize(
        "ballot", [{"P1": "approve", "deputy": "D-7"}, {"P1": "approve", "P2": "t0k3n"}]
    )
    def test_refuses_to_publish_anything_else(self, ballot):
        with pytest.raises(ValueError, match=r"not published|unknown choice"):
            honest_export([ballot])

    def test_session_header_is_exactly_the_five_fields(self):
        with pytest.raises(ValueError, match="session header"):
            build_export(
                {**SESSION, "client_ip": "10.0.0.1"}, RULES, CANDIDATES, 1, 1, 1, [], {}, []
            )


class TestVerify:
    def test_accepts_an_honest_export(self, export):
        assert verifier.verify(export) == []

    def test_accepts_after_a_json_round_trip(self, export):
        assert verifier.verify(json.loads(json.dumps(export, ensure_ascii=False))) == []

    def test_rejects_a_tampered_result_count(self, export):
        export["result"]["results"][1]["approve"] += 1
        problems = verifier.verify(export)
        assert any("candidate P2 approve differs: published" in p for p in problems)
        assert any(p.startswith("摘要不符") for p in problems)

    def test_rejects_a_tampered_top_level_result_field(self, export):
        export["result"]["valid"] += 1
        assert any("result field 'valid' differs" in p for p in verifier.verify(export))

    def test_rejects_a_removed_ballot(self, export):
        del export["ballots"][0]
        problems = verifier.verify(export)
        assert any("result field 'ballots' differs" in p for p in problems)
        assert any("'ballots' differs from the session_closed entry" in p for p in problems)

    def test_rejects_a_changed_ballot(self, export):
        i = next(
            i
            for i, b in enumerate(export["ballots"])
            if b and b["P3"] != "approve" and list(b.values()).count("approve") < RULES.seats
        )
        export["ballots"][i]["P3"] = "approve"
        problems = verifier.verify(export)
        assert any("candidate P3" in p for p in problems) and any(
            "digest differs" in p for p in problems
        )

    def test_rejects_a_reordered_audit_log(self, export):
        export["audit"][1], export["audit"][2] = export["audit"][2], export["audit"][1]
        assert any("out of order" in p for p in verifier.verify(export))

    def test_rejects_a_changed_session_header(self, export):
        export["session"]["year"] = 2027
        assert verifier.verify(export) == [
            "session.year 与审计日志 session_opened 记录不符 "
            "('session.year' differs from the session_opened entry: log 2026, export 2027)"
        ]

    def test_rejects_a_log_without_the_binding_entries(self):
        ballots = random_ballots(random.Random(1), 5)
        result = tally(RULES, CANDIDATES, ballots, 5, 5, 5)
        document = build_export(SESSION, RULES, CANDIDATES, 5, 5, 5, ballots, result, [])
        problems = verifier.verify(document)
        assert any("exactly one session_opened entry" in p for p in problems)

    def test_wrong_format_is_not_an_export(self):
        with pytest.raises(verifier.NotAnExport):
            verifier.verify({"format": "something-else"})
        with pytest.raises(verifier.NotAnExport):
            verifier.verify([1, 2])


class TestCommandLine:
    def write(self, tmp_path, content: str):
        path = tmp_path / "export.json"
        path.write_text(content, encoding="utf-8")
        return str(path)

    def test_ok_exit_0(self, tmp_path, export, capsys):
        path = self.write(tmp_path, json.dumps(export, ensure_ascii=False))
        assert verifier.main([path, "--digest", export["digest"]]) == 0
        out = capsys.readouterr().out
        assert out.startswith("OK 校验通过") and export["digest"] in out

    def test_tampered_exit_1(self, tmp_path, export, capsys):
        export["result"]["invalid"] += 1
        assert verifier.main([self.write(tmp_path, json.dumps(export))]) == 1
        out = capsys.readouterr().out
        assert "result field 'invalid' differs" in out and "校验失败" in out

    def test_wrong_announced_digest_exit_1(self, tmp_path, export, capsys):
        assert verifier.main([self.write(tmp_path, json.dumps(export)), "--digest", "0" * 64]) == 1
        assert "not the announced one" in capsys.readouterr().out

    @pytest.mark.parametrize(
        "content, says",
        [
            ("{not json", "not valid JSON"),
            ('{"format": "other/1"}', "not a minsheng-session-export/1 document"),
            ("[1, 2, 3]", "not a minsheng-session-export/1 document"),
            ("", "not valid JSON"),
        ],
    )
    def test_not_an_export_exit_2_one_line(self, tmp_path, capsys, content, says):
        assert verifier.main([self.write(tmp_path, content)]) == 2
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1 and "Traceback" not in err

    def test_missing_file_exit_2(self, tmp_path, capsys):
        assert verifier.main([str(tmp_path / "nope.json")]) == 2
        assert "cannot read" in capsys.readouterr().err

    def test_binary_file_exit_2(self, tmp_path, capsys):
        path = tmp_path / "export.json"
        path.write_bytes(b"\xff\xfe\x00garbage")
        assert verifier.main([str(path)]) == 2


# --- properties ------------------------------------------------------------------------------


def paths(value, prefix=()):
    """Every location in a JSON document, leaves and containers."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def mutate(document, rng: random.Random) -> str:
    """One random single mutation; returns what was done."""
    where = rng.choice([p for p in paths(document) if p])
    *parent_path, last = where
    parent = document
    for step in parent_path:
        parent = parent[step]
    old = parent[last]
    how = rng.choice(["change", "remove", "add", "swap"])
    if how == "remove":
        del parent[last]
    elif how == "add" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(old))
    elif how == "add":
        parent["extra"] = "deputy-7"
    elif how == "swap" and isinstance(parent, list) and len(parent) > 1 and old != parent[last - 1]:
        parent[last], parent[last - 1] = parent[last - 1], old
    else:
        how = "change"
        parent[last] = changed(old, rng)
    return f"{how} {where}"


def changed(value, rng: random.Random):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice([-1, 1])
    if isinstance(value, str):
        return (
            value + "x" if rng.random() < 0.5 else ("approve" if value != "approve" else "oppose")
        )
    if value is None:
        return rng.choice([0, "approve", {}])
    if isinstance(value, list):
        return [*value, None]
    return {**value, "extra": 1}


sessions = st.builds(
    lambda seed, n, seats, candidates, base: (seed, n, seats, candidates, base),
    seed=st.integers(0, 2**32),
    n=st.integers(0, 25),
    seats=st.integers(1, 3),
    candidates=st.integers(4, 6),
    base=st.sampled_from(["all", "present"]),
)


def session_export(params):
    seed, n, seats, count, base = params
    rng = random.Random(seed)
    candidates = CANDIDATES[:count]
    rules = Rules(
        seats=seats, deputies_total=30, threshold_base=base, differential_ratio_permille=0
    )
    return honest_export(random_ballots(rng, n, candidates, seats), rules, candidates)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_property_verifier_accepts_every_honest_session(params):
    document = session_export(params)
    assert verifier.verify(document) == []
    assert verifier.verify(json.loads(json.dumps(document))) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions, st.integers(0, 2**32))
def test_property_verifier_rejects_every_single_mutation(params, mutation_seed):
    document = session_export(params)
    original = copy.deepcopy(document)
    what = mutate(document, random.Random(mutation_seed))
    if document == original:  # e.g. a swap of equal neighbours: nothing changed
        return
    try:
        problems = verifier.verify(document)
    except verifier.NotAnExport:
        return  # the format tag itself was changed or removed: rejected as not an export
    assert problems, f"undetected: {what}"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["P1", "P2", "中", 'a"%s', "%"]), st.sampled_from(CHOICE)
            ),
            st.fixed_dictionaries({k: st.sampled_from(CHOICE) for k in ["P1", "P2", "中", 'a"%s']}),
            st.dictionaries(st.text(max_size=3), st.one_of(st.text(max_size=3), st.integers())),
        ),
        max_size=8,
    )
)
def test_property_fast_ballot_encoding_is_canonical_json(ballots):
    assert canonical_ballots(ballots) == canonical_text(ballots)
    expected = hashlib.sha256(canonical_json({"result": {}, "ballots": ballots, "audit_head": "h"}))
    assert digest({}, ballots, "h") == expected.hexdigest()
