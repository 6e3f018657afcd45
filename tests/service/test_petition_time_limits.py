"""Petition's time limits on the shared working-day calendar (2026: National Day 10-01…10-07
off, Saturday 10-10 a make-up working day): a deputy's first contact due across the holiday,
催办 before and 通报 / 通报上级 after — each once, an event and a metric, a missed run catching
up; rules per area, versioned and inherited; a year nobody has entered leaves a due day
pending — counted, listed, never guessed — until an admin enters it."""

import json
from datetime import UTC, date, datetime

import pytest
from petition.use_cases import intake, reminders
from servicekit import metrics
from servicekit.auth import ANONYMOUS, Guard
from servicekit.errors import Forbidden, RuleViolation, ValidationFailed
from servicekit.outbox import OutboxWriter
from servicekit.relay import OUTBOX
from servicekit.validation import load
from sqlalchemy import select

from tests.support import petition as p
from tests.support.workers import migrated_sessions

WED_30_SEP = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
NEW_YEARS_EVE = datetime(2026, 12, 31, 2, 0, tzinfo=UTC)
URGED, CIRCULATED = (
    "minsheng_petition_matters_urged_total",
    "minsheng_petition_matters_circulated_total",
)


@pytest.fixture
def world(tmp_path):
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def submit_at(world, now, username="wang", **extra):
    from contracts.matters import MatterSubmit

    data = load(MatterSubmit, {**p.MATTER, "code": world.code_of(username), **extra})
    guard = Guard(ANONYMOUS, "petition", "township")
    outbox = OutboxWriter(OUTBOX, "req")
    return intake.submit_matter(world.sessions["petition"], outbox, guard, data, None, now)


def act_at(world, matter_id, action, now, **body):
    from contracts.matters import MatterActionIn
    from petition.use_cases import handling

    guard = Guard(p.WANG, "petition", "township")
    data = load(MatterActionIn, body)
    outbox = OutboxWriter(OUTBOX, "req")
    session = world.sessions["petition"]
    return handling.act_on_matter(session, outbox, guard, matter_id, action, data, now)


def remind(world, on: str, area_path="/"):
    session = world.sessions["petition"]
    sent, unknown = reminders.remind(
        session,
        OutboxWriter(OUTBOX, "req"),
        area_path,
        "township",
        date.fromisoformat(on),
        WED_30_SEP,
    )
    return [(item["stage"], item["step"]) for item in sent], unknown


def published(world, event_type):
    rows = world.sessions["petition"].execute(
        select(OUTBOX.c.envelope).where(OUTBOX.c.event_type == event_type)
    )
    return [json.loads(envelope)["payload"] for (envelope,) in rows]


def counted(name, **labels) -> float:
    sample = metrics.REGISTRY.get_sample_value(
        name, {"service": "petition", "level": "township", **labels}
    )
    return sample or 0.0


class TestFirstContact:
    def test_three_working_days_run_over_national_day_to_the_make_up_saturday(self, world):
        created = submit_at(world, WED_30_SEP)
        assert created["accept_due"] == "2026-10-10"

    def test_a_station_accepts_within_fifteen_calendar_days(self, world):
        from contracts.matters import MatterSubmit

        data = load(MatterSubmit, {**p.MATTER, "code": world.station["public_code"]})
        created = intake.submit_matter(
            world.sessions["petition"], OutboxWriter(OUTBOX, "r"),
            Guard(ANONYMOUS, "petition", "township"), data, None, WED_30_SEP,
        )  # fmt: skip
        assert created["accept_due"] == "2026-10-15"


class TestReminders:
    def test_urged_before_circulated_after_and_upwards_each_once(self, world):
        submit_at(world, WED_30_SEP)
        urged = counted(URGED, stage="first_contact")
        circulated = counted(CIRCULATED, stage="first_contact", step="circulate")
        assert remind(world, "2026-09-30") == ([], set())  # three working days ahead
        assert remind(world, "2026-10-05") == ([], set())  # the holiday: still three ahead
        assert remind(world, "2026-10-08")[0] == [("first_contact", "urge")]  # two ahead
        assert remind(world, "2026-10-10")[0] == []  # the due day: urged already
        assert remind(world, "2026-10-11")[0] == []  # Sunday: not a working day past due
        assert remind(world, "2026-10-12")[0] == [("first_contact", "circulate")]
        assert remind(world, "2026-10-15")[0] == []
        assert remind(world, "2026-10-16")[0] == [("first_contact", "circulate_upper")]
        assert remind(world, "2026-11-30")[0] == []
        assert [e["step"] for e in published(world, "matter_urged_v1")] == ["urge"]
        steps = [e["step"] for e in published(world, "matter_circulated_v1")]
        assert steps == ["circulate", "circulate_upper"]
        assert counted("minsheng_petition_matters_urged_total", stage="first_contact") == urged + 1
        assert (
            counted(
                "minsheng_petition_matters_circulated_total",
                stage="first_contact",
                step="circulate",
            )
            == circulated + 1
        )

    def test_a_run_that_missed_days_sends_every_step_in_order(self, world):
        submit_at(world, WED_30_SEP)
        assert remind(world, "2026-10-20")[0] == [
            ("first_contact", "urge"),
            ("first_contact", "circulate"),
            ("first_contact", "circulate_upper"),
        ]

    def test_an_accepted_matter_is_chased_on_its_handling_limit_instead(self, world):
        matter = submit_at(world, WED_30_SEP)["id"]
        world.act(p.WANG, matter, "accept")
        sent, _ = remind(world, "2026-10-20")
        assert all(stage == "handle" for stage, _ in sent)  # accepted: its first limit is met

    def test_staff_run_their_areas_reminders_and_not_others(self, world):
        submit_at(world, WED_30_SEP)
        answer = world.worker(p.TOWN_RENDA).run_matter_reminders(
            {"area_code": "150622100", "on": "2026-10-12"}
        )
        assert [item["step_name"] for item in answer["sent"]] == ["催办", "通报"]
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).run_matter_reminders({"area_code": "150622100"})
        with pytest.raises(ValidationFailed):
            world.worker(p.TOWN_RENDA).run_matter_reminders(
                {"area_code": "150622100", "on": "2099-01-01"}
            )


class TestUnknownYears:
    def test_a_due_day_in_2027_is_pending_until_the_year_is_entered(self, world):
        before = counted("minsheng_petition_calendar_refusals_total", year="2027")
        created = submit_at(world, NEW_YEARS_EVE)  # 3 working days from 31 Dec: in 2027
        assert created["accept_due"] is None
        assert counted("minsheng_petition_calendar_refusals_total", year="2027") > before
        assert remind(world, "2026-12-31") == ([], {2027})
        world.worker(p.ADMIN).put_petition_calendar_year(
            2027,
            {"holidays": ["2027-01-01"], "workdays": [], "document_ref": "国办发明电〔2026〕X号"},
        )
        assert world.worker(p.WANG).get_petition_calendar_year(2027)["known"] is True
        remind(world, "2026-12-31")
        detail = world.worker(p.WANG).get_matter(created["id"])
        assert detail["accept_due"] == "2027-01-06"  # 4, 5, 6 Jan (1 Jan off, 2–3 a weekend)

    def test_only_admins_enter_a_year(self, world):
        body = {"holidays": [], "workdays": [], "document_ref": "x"}
        with pytest.raises(Forbidden):
            world.worker(p.RENDA).put_petition_calendar_year(2027, body)


MARS = {"stage": "handle", "applies_to": "火星", "limit": 3, "unit": "workday"}


class TestRulesPerArea:
    RULES = {
        "rules": [
            {"stage": "accept", "limit": 7, "unit": "calendar_day"},
            {"stage": "first_contact", "limit": 2, "unit": "workday"},
            {"stage": "handle", "limit": 30, "unit": "workday"},
            {"stage": "handle", "applies_to": "direct", "limit": 5, "unit": "workday"},
        ],
        "reason": "准格尔旗人大常委会关于代表代办时限的规定",
    }

    def test_an_area_inherits_its_banners_version_until_it_has_its_own(self, world):
        assert world.worker(p.WANG).get_time_limits("150622100")["version"] == 0  # defaults
        set_ = world.worker(p.RENDA).put_time_limits("150622", self.RULES)
        assert set_["version"] == 1 and set_["steps"][0] == {"step": "urge", "threshold": -2}
        inherited = world.worker(p.WANG).get_time_limits("150622100")
        assert (inherited["set_for"], inherited["version"]) == ("150622", 1)
        assert world.worker(p.RENDA).put_time_limits("150622", self.RULES)["version"] == 2

    def test_new_matters_follow_the_new_rules_and_a_tier_picks_its_own(self, world):
        world.worker(p.RENDA).put_time_limits("150622", self.RULES)
        created = submit_at(world, WED_30_SEP)
        assert created["accept_due"] == "2026-10-09"  # 2 working days: Thu 8, Fri 9 Oct
        matter = created["id"]
        accepted = act_at(world, matter, "accept", WED_30_SEP)
        assert accepted["handle_due"] == "2026-11-17"  # 30 working days from 8 Oct
        direct = act_at(world, matter, "tier", WED_30_SEP, tier="direct", method="follow")
        assert direct["handle_due"] == "2026-10-13"  # 5: Thu 8, Fri 9, Sat 10, Mon 12, Tue 13

    def test_a_rule_set_that_cannot_answer_every_matter_is_422(self, world):
        with pytest.raises(RuleViolation):
            world.worker(p.RENDA).put_time_limits(
                "150622", {**self.RULES, "rules": self.RULES["rules"][1:]}
            )
        with pytest.raises(RuleViolation):
            world.worker(p.RENDA).put_time_limits(
                "150622",
                {**self.RULES, "rules": [*self.RULES["rules"], MARS]},
            )

    def test_only_congress_staff_of_the_area_set_rules(self, world):
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).put_time_limits("150622", self.RULES)
        with pytest.raises(Forbidden):
            world.worker(p.WANG).put_time_limits("150622100", self.RULES)
