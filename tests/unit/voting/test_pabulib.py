"""The Pabulib `.pb` export of an election round, read back with pabutools."""

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from pabutools.election import parse_pabulib
from voting.domain.audit import append
from voting.domain.ballots import ABSTAIN, APPROVE, OPPOSE, Rules, ballot_problem, tally
from voting.domain.export import build_export
from voting.domain.satisfaction import satisfaction_tally
from voting.pabulib import pabulib_text

CANDIDATES = [f"P{n}" for n in range(1, 8)]
RULES = Rules(seats=3, deputies_total=60)
POPULARITY = {"P1": 0.85, "P4": 0.75, "P2": 0.3}
PROJECTS = {
    "P1": ("林荫街道广场修缮", 123_456_789),
    "P2": ('=HYPERLINK("http://evil");一期', 5_000_000),  # a ; a quote and a formula start
    "P3": ("老旧小区\n加装电梯", 80_000_000),  # a line break
    "P4": ("社区食堂", 1_200_000),
    "P5": ("路灯更换", 300_000),
    "P6": ("公厕改造", 99),
    "P7": ("口袋公园", 1_000_000_00),
}


def session(kind="congress_session", round_number=1):
    return {
        "id": "T-" + "a" * 32,
        "area_code": "150602001",
        "year": 2027,
        "kind": kind,
        "rules_version": 2,
        "round": round_number,
    }


def random_ballots(rng: random.Random, n: int, rules: Rules = RULES) -> list:
    ballots: list = []
    for _ in range(n):
        if rng.random() < 0.05:
            ballots.append(None)  # unreadable paper
            continue
        # Some candidates popular enough to be elected; some ballots approve too many.
        approved = {c for c in CANDIDATES if rng.random() < POPULARITY.get(c, 0.15)}
        if rules.form == "mark":
            ballots.append(dict.fromkeys(approved, APPROVE))
        else:
            ballots.append(
                {c: APPROVE if c in approved else rng.choice((OPPOSE, ABSTAIN)) for c in CANDIDATES}
            )
    return ballots


def export_of(ballots, rules=RULES, kind="congress_session"):
    log: list = []
    append(log, "session_opened", {"candidates": CANDIDATES})
    present = rules.deputies_total
    result = tally(rules, CANDIDATES, ballots, present, len(ballots), len(ballots))
    return build_export(
        session(kind), rules, CANDIDATES, present, len(ballots), len(ballots), ballots, result, log
    )


def exact(number) -> Fraction:
    """pabutools keeps numbers as gmpy2 fractions."""
    return Fraction(int(number.numerator), int(number.denominator))


def read_back(tmp_path, text: str):
    path = tmp_path / "round.pb"
    path.write_text(text, encoding="utf-8")
    return parse_pabulib(str(path))


@pytest.fixture
def document():
    return export_of(random_ballots(random.Random(11), 58))


class TestRoundtrip:
    def test_pabutools_reads_every_candidate_and_every_valid_ballot(self, document, tmp_path):
        instance, profile = read_back(tmp_path, pabulib_text(document, PROJECTS))
        assert len(instance) == len(CANDIDATES)
        assert profile.num_ballots() == document["result"]["valid"]
        assert int(instance.meta["num_votes"]) == document["result"]["valid"]
        assert document["result"]["invalid"] > 0  # the sample holds invalid ballots to skip

    def test_each_vote_is_the_approvals_of_that_published_ballot(self, document, tmp_path):
        instance, profile = read_back(tmp_path, pabulib_text(document, PROJECTS))
        candidate_of = {p.name: instance.project_meta[p]["candidate_id"] for p in instance}
        seen = set()
        for ballot in profile:
            place = int(ballot.meta["voter_id"])
            published = document["ballots"][place - 1]
            assert ballot_problem(RULES, CANDIDATES, published) is None
            expected = {c for c, choice in published.items() if choice == APPROVE}
            assert {candidate_of[p.name] for p in ballot} == expected
            seen.add(place)
        valid = {
            n
            for n, b in enumerate(document["ballots"], 1)
            if ballot_problem(RULES, CANDIDATES, b) is None
        }
        assert seen == valid

    def test_project_votes_and_selection_match_the_tally(self, document, tmp_path):
        instance, _ = read_back(tmp_path, pabulib_text(document, PROJECTS))
        results = {r["candidate_id"]: r for r in document["result"]["results"]}
        for project in instance:
            meta = instance.project_meta[project]
            result = results[meta["candidate_id"]]
            assert int(meta["votes"]) == result["approve"]
            assert int(meta["selected"]) == int(result["elected"])

    def test_titles_with_separators_quotes_and_line_breaks_survive(self, document, tmp_path):
        instance, _ = read_back(tmp_path, pabulib_text(document, PROJECTS))
        names = {
            instance.project_meta[p]["candidate_id"]: instance.project_meta[p]["name"]
            for p in instance
        }
        assert names["P2"] == '=HYPERLINK("http://evil");一期'
        assert names["P3"] == "老旧小区 加装电梯"

    def test_a_mark_form_round_reads_back_too(self, tmp_path):
        rules = Rules(seats=3, deputies_total=60, form="mark")
        document = export_of(random_ballots(random.Random(5), 40, rules), rules)
        _, profile = read_back(tmp_path, pabulib_text(document, PROJECTS))
        assert profile.num_ballots() == document["result"]["valid"]


class TestMeta:
    def test_honest_fields_for_a_seats_based_vote(self, document, tmp_path):
        instance, _ = read_back(
            tmp_path,
            pabulib_text(document, PROJECTS, title="东胜区人代会", voted_on=date(2027, 1, 9)),
        )
        meta = instance.meta
        assert (meta["country"], meta["unit"], meta["instance"]) == (
            "China",
            "鄂尔多斯市东胜区林荫街道",
            "2027",
        )
        assert meta["vote_type"] == "approval"
        assert meta["rule"] != "greedy"
        assert (meta["min_length"], meta["max_length"]) == ("0", "3")
        assert (meta["date_begin"], meta["date_end"]) == ("09.01.2027", "09.01.2027")
        assert meta["description"].startswith("东胜区人代会（第1轮")
        assert document["digest"] in meta["comment"]
        assert int(meta["num_projects"]) == len(CANDIDATES)

    def test_known_costs_are_yuan_and_the_budget_is_what_the_elected_cost(self, document, tmp_path):
        instance, _ = read_back(tmp_path, pabulib_text(document, PROJECTS))
        costs = {instance.project_meta[p]["candidate_id"]: exact(p.cost) for p in instance}
        assert costs["P1"] == Fraction("1234567.89")
        assert costs["P6"] == Fraction("0.99")
        elected = document["result"]["elected"]
        assert elected  # the sample elects someone
        expected = sum(Decimal(PROJECTS[c][1]) / 100 for c in elected)
        assert Decimal(instance.meta["budget"]) == expected
        assert instance.meta["currency"] == "CNY"

    def test_unknown_costs_become_one_each_and_the_budget_the_seats(self, document, tmp_path):
        projects = {**PROJECTS, "P4": ("社区食堂", None)}
        instance, _ = read_back(tmp_path, pabulib_text(document, projects))
        assert {p.cost for p in instance} == {1}
        assert instance.budget_limit == RULES.seats
        assert "currency" not in instance.meta
        assert "估算金额不全" in instance.meta["comment"]

    def test_a_candidate_missing_from_the_mapping_is_named_by_its_id(self, document, tmp_path):
        projects = {c: v for c, v in PROJECTS.items() if c != "P5"}
        instance, _ = read_back(tmp_path, pabulib_text(document, projects))
        names = {
            instance.project_meta[p]["candidate_id"]: instance.project_meta[p]["name"]
            for p in instance
        }
        assert names["P5"] == "P5"


class TestRefusals:
    def test_a_satisfaction_vote_has_no_pb(self):
        ballots = [{"P1": "满意"}, {"P1": "不满意"}]
        result = satisfaction_tally(["P1"], ballots, 2, 2)
        document = build_export(
            session("satisfaction"),
            Rules(seats=1, deputies_total=2),
            ["P1"],
            2,
            2,
            2,
            ballots,
            result,
            [],
        )
        with pytest.raises(ValueError, match=r"^满意度测评.*\(a satisfaction vote"):
            pabulib_text(document, {"P1": ("项目", None)})

    def test_a_consultation_has_no_pb(self, document):
        consultation = {**document, "session": session("street_consultation")}
        with pytest.raises(ValueError, match=r"^会商制不投票"):
            pabulib_text(consultation, PROJECTS)

    def test_something_else_is_refused(self, document):
        with pytest.raises(ValueError, match=r"^不是票决的"):
            pabulib_text({**document, "format": "other/1"}, PROJECTS)
