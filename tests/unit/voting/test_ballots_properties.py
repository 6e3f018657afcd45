"""Properties of the ballot engine over random rules, candidate lists and ballots (hypothesis):
counts add up, the fast tally agrees with a plain per-ballot count, the election respects the
seats, the threshold and the ranking, and nothing depends on the order of the ballots."""

import json
import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from voting.domain import ballots as b
from voting.domain import satisfaction as s
from voting.domain.ballots import ABSTAIN, APPROVE, OPPOSE, Rules

settings.register_profile("ballots", max_examples=300, deadline=None)
settings.load_profile("ballots")

JUNK_CHOICES = st.sampled_from(["yes", "", "Approve", 1, None, ("approve",)])


@st.composite
def rounds(draw):
    """(rules, candidates, ballots, present, issued, returned)."""
    total = draw(st.integers(1, 30))
    n_cands = draw(st.integers(1, 7))
    cands = [f"c{i}" for i in range(n_cands)]
    seats = draw(st.integers(1, n_cands + 1))
    form = draw(st.sampled_from(b.FORMS))
    rules = Rules(
        seats=seats,
        deputies_total=total,
        form=form,
        threshold_base=draw(st.sampled_from(b.THRESHOLD_BASES)),
        quorum_permille=draw(st.integers(0, 999)),
    )
    present = draw(st.integers(0, total))
    # few approval patterns, so that ties and thresholds are reached often
    choice = st.sampled_from([APPROVE] if form == "mark" else [APPROVE, APPROVE, OPPOSE, ABSTAIN])
    valid_ballot = st.dictionaries(st.sampled_from(cands), choice, max_size=n_cands)
    junk = st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from([*cands, "ghost"]), st.one_of(choice, JUNK_CHOICES)),
        st.just(dict.fromkeys(cands, APPROVE)),
    )
    # a few patterns repeated: candidates on the same patterns tie, often at the cut-off
    within_seats = st.sets(st.sampled_from(cands), max_size=seats).map(
        lambda chosen: dict.fromkeys(chosen, APPROVE)
    )
    single = st.sampled_from(cands).map(lambda c: {c: APPROVE})
    patterns = draw(st.lists(st.one_of(valid_ballot, within_seats, single), min_size=1, max_size=6))
    ballots = [x for x in patterns for _ in range(draw(st.sampled_from([0, 8, 16, 16])))]
    ballots += draw(st.lists(st.one_of(valid_ballot, junk), max_size=8))
    ballots = draw(st.permutations(ballots))
    issued = draw(st.none() | st.integers(0, 60))
    returned = draw(st.none() | st.integers(0, 60))
    return rules, cands, ballots, present, issued, returned


@st.composite
def tied_rounds(draw):
    """A round built to tie across the cut-off: `leaders` above, `tied` sharing the K-th place."""
    n_cands = draw(st.integers(2, 7))
    cands = [f"c{i}" for i in range(n_cands)]
    seats = draw(st.integers(1, n_cands - 1))
    n_leaders = draw(st.integers(0, seats - 1))
    n_tied = draw(st.integers(seats - n_leaders + 1, n_cands - n_leaders))
    order = draw(st.permutations(cands))
    leaders, tied = order[:n_leaders], order[n_leaders : n_leaders + n_tied]
    mid = draw(st.integers(1, 10))
    high = {c: mid + draw(st.integers(1, 5)) for c in leaders}
    total = draw(st.integers(1, 2 * mid - 1))  # so that mid reaches the threshold
    rules = Rules(seats=seats, deputies_total=total, form=draw(st.sampled_from(b.FORMS)))
    ballots = [{c: APPROVE} for c in tied for _ in range(mid)]
    ballots += [{c: APPROVE} for c in leaders for _ in range(high[c])]
    ballots += draw(st.lists(st.none() | st.just(dict.fromkeys(cands, APPROVE)), max_size=5))
    ballots = draw(st.permutations(ballots))
    return rules, cands, ballots, total, None, None


def plain_counts(rules, cands, ballots):
    """Per-candidate (approve, oppose, abstain) counted the slow, obvious way."""
    valid = [x for x in ballots if b.ballot_problem(rules, cands, x) is None]
    out = {}
    for c in cands:
        approve = sum(1 for x in valid if x.get(c) == APPROVE)
        oppose = sum(1 for x in valid if x.get(c) == OPPOSE)
        out[c] = (approve, oppose, len(valid) - approve - oppose)
    return len(valid), out


@given(rounds() | tied_rounds())
def test_counts_add_up_and_match_a_plain_count(case):
    rules, cands, ballots, present, issued, returned = case
    t = b.tally(rules, cands, ballots, present, issued, returned)
    n_valid, plain = plain_counts(rules, cands, ballots)
    assert t.ballots == len(ballots)
    assert t.valid + t.invalid == t.ballots
    assert t.valid == n_valid
    assert {r.candidate_id: (r.approve, r.oppose, r.abstain) for r in t.results} == plain
    assert sum(r.approve + r.oppose + r.abstain for r in t.results) == t.valid * len(cands)
    assert all(min(r.approve, r.oppose, r.abstain) >= 0 for r in t.results)
    if rules.form == "mark":
        assert all(r.oppose == 0 for r in t.results)
    assert sum(r.approve for r in t.results) <= t.valid * rules.seats


@given(rounds() | tied_rounds())
def test_election_respects_seats_threshold_and_ranking(case):
    rules, cands, ballots, present, issued, returned = case
    t = b.tally(rules, cands, ballots, present, issued, returned)
    approvals = {r.candidate_id: r.approve for r in t.results}
    elected = {r.candidate_id for r in t.results if r.elected}
    assert elected == set(t.elected)
    assert len(elected) + t.runoff_seats + t.unfilled_seats == rules.seats
    assert min(len(elected), t.runoff_seats, t.unfilled_seats) >= 0
    assert (
        t.threshold == (rules.deputies_total if rules.threshold_base == "all" else present) // 2 + 1
    )
    assert [approvals[c] for c in t.elected] == sorted(
        (approvals[c] for c in t.elected), reverse=True
    )
    others = [c for c in cands if c not in elected and c not in t.runoff]
    for c in elected:
        assert approvals[c] >= t.threshold
        assert all(approvals[c] >= approvals[o] for o in others)
    if t.void:
        assert not elected and not t.runoff and all(r.rank is None for r in t.results)
        assert returned > issued
        return
    for r in t.results:
        assert r.rank == 1 + sum(1 for v in approvals.values() if v > r.approve)
    if t.runoff:
        level = {approvals[c] for c in t.runoff}
        assert len(level) == 1 and level.pop() >= t.threshold
        assert len(t.runoff) > t.runoff_seats > 0
        assert all(approvals[e] > approvals[t.runoff[0]] for e in elected)
        assert all(approvals[o] <= approvals[t.runoff[0]] for o in others)
        new_rules, new_cands = b.runoff_rules(rules, t)
        assert new_rules.seats == t.runoff_seats and new_cands == list(t.runoff)
        assert (new_rules.form, new_rules.threshold_base) == (rules.form, rules.threshold_base)
    else:
        # every seat not filled is one nobody else could take
        if len(elected) < rules.seats:
            assert all(approvals[o] < t.threshold for o in others)


@given(rounds() | tied_rounds(), st.randoms(use_true_random=False))
def test_independent_of_ballot_order(case, rnd: random.Random):
    rules, cands, ballots, present, issued, returned = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    first = b.tally(rules, cands, ballots, present, issued, returned).as_dict()
    again = b.tally(rules, cands, iter(shuffled), present, issued, returned).as_dict()
    assert first == again
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.loads(json.dumps(first)) == first


@given(st.integers(1, 2000), st.integers(0, 999), st.data())
def test_quorum_is_more_than_the_fraction(total, permille, data):
    rules = Rules(seats=1, deputies_total=total, quorum_permille=permille)
    p, q = b.quorum_fraction(permille)
    assert abs(Fraction(p, q) - Fraction(permille, 1000)) <= Fraction(1, 2000)
    present = data.draw(st.integers(0, total))
    assert b.quorum_met(rules, present) == (Fraction(present, total) > Fraction(p, q))
    assert b.quorum_met(rules, b.quorum_needed(rules)) or b.quorum_needed(rules) > total


@given(
    st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True),
    st.lists(
        st.none()
        | st.dictionaries(
            st.sampled_from(["x", "y", "z", "w"]),
            st.sampled_from([*s.SATISFACTION_CHOICES, "一般"]),
        ),
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_satisfaction_counts_add_up(projects, ballots, rnd):
    t = s.satisfaction_tally(projects, ballots)
    valid = [x for x in ballots if s.satisfaction_problem(projects, x) is None]
    assert (t.valid, t.valid + t.invalid, t.ballots) == (len(valid), len(ballots), len(ballots))
    for r in t.results:
        assert r.satisfied + r.basically + r.dissatisfied + r.abstain == t.valid
        assert r.satisfied == sum(1 for x in valid if x.get(r.project_id) == s.SATISFIED)
        if t.valid:
            assert Fraction(r.rate) == Fraction(r.satisfied + r.basically, t.valid)
            assert abs(Fraction(r.rate_permille, 1000) - Fraction(r.rate)) <= Fraction(1, 2000)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert s.satisfaction_tally(projects, shuffled).as_dict() == t.as_dict()


@given(tied_rounds())
def test_a_tie_across_the_cut_off_always_goes_to_a_runoff(case):
    rules, cands, ballots, present, _, _ = case
    t = b.tally(rules, cands, ballots, present)
    approvals = {r.candidate_id: r.approve for r in t.results}
    assert t.outcome == "runoff" and t.runoff
    assert len(t.elected) + t.runoff_seats == rules.seats
    assert len({approvals[c] for c in t.runoff}) == 1
    assert all(approvals[c] > approvals[t.runoff[0]] for c in t.elected)
