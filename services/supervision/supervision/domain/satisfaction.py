"""The deputies' satisfaction vote (满意度测评): grading a project from its counts.

Those voting (参加测评的人数) are the valid ballots of the vote (`ballots.valid` of
satisfaction_vote_completed_v1): each valid ballot marks every project 满意, 基本满意, 不满意 or
abstains on it, so for each project satisfied + basically + dissatisfied + abstain = valid. An
abstention is a deputy who voted and did not say 满意: it counts in the denominator. Invalid
ballots and ballots issued but not returned do not.

Default rule: 满意 if 满意 votes exceed half of those voting; 基本满意 if 满意 + 基本满意 exceed
half; else 不满意. "Exceed" is strict: exactly half is not enough (20 of 40 满意 is not 满意).
With no valid ballot there is nothing to grade: the grade is None and nothing is flagged.
"""

from dataclasses import dataclass
from fractions import Fraction

SATISFIED, BASICALLY, DISSATISFIED = "满意", "基本满意", "不满意"


@dataclass(frozen=True)
class Rule:
    satisfied_above: Fraction = Fraction(1, 2)
    basically_above: Fraction = Fraction(1, 2)

    def problem(self) -> str | None:
        for share in (self.satisfied_above, self.basically_above):
            if not 0 <= share < 1:
                return "比例应在 0（含）到 1 之间 (a share must be within [0, 1))"
        return None

    def as_dict(self) -> dict[str, str]:
        return {
            "satisfied_above": _text(self.satisfied_above),
            "basically_above": _text(self.basically_above),
        }


def _text(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}"


def grade(satisfied: int, basically: int, voting: int, rule: Rule = Rule()) -> str | None:
    """The project's grade, or None when no one voted."""
    if voting <= 0:
        return None
    if Fraction(satisfied, voting) > rule.satisfied_above:
        return SATISFIED
    if Fraction(satisfied + basically, voting) > rule.basically_above:
        return BASICALLY
    return DISSATISFIED
