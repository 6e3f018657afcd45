"""Petition's time limits, reminders and figures: the rules an area sets (versioned, inherited
down the area tree), the reminder run's answer, and the figures of an area and its sub-areas
(on-time, 就地化解率, satisfaction)."""

from marshmallow import fields, validate

from .fields import StrictSchema, area_code, bounded_int, one_of, text
from .matters import REMINDER_STEPS, STAGES, STARTS, UNITS
from .reference import LEVELS


def _at_most(count: int) -> validate.Length:
    return validate.Length(max=count, error=f"最多 {count} 项 (at most {count} items)")


class TimeLimitRule(StrictSchema):
    stage = one_of(STAGES, required=True)
    applies_to = text(1, 20, load_default="*")  # *, a tier or a category
    limit = bounded_int(1, 366, required=True)
    unit = one_of(UNITS, required=True)
    starts = one_of(STARTS, load_default="next_day")


class ReminderStep(StrictSchema):
    step = one_of(REMINDER_STEPS, required=True)
    threshold = bounded_int(-60, 366, required=True)  # days from the due day (−2: two before)


class TimeLimitsIn(StrictSchema):
    """A new version of an area's time-limit rules (inherited by the areas under it)."""

    rules = fields.List(
        fields.Nested(TimeLimitRule), required=True, validate=validate.Length(min=3, max=100)
    )
    max_extension = bounded_int(0, 366, load_default=30)
    steps = fields.List(
        fields.Nested(ReminderStep), load_default=None, allow_none=True, validate=_at_most(3)
    )
    reason = text(1, 500, required=True)


class TimeLimits(StrictSchema):
    area_code = fields.String(required=True)
    version = fields.Integer(required=True)  # 0: the built-in defaults
    set_for = fields.String(allow_none=True, required=True)  # the area whose version applies
    rules = fields.List(fields.Nested(TimeLimitRule), required=True)
    max_extension = fields.Integer(required=True)
    steps = fields.List(fields.Nested(ReminderStep), required=True)
    reason = fields.String(allow_none=True, required=True)
    set_by = fields.String(allow_none=True, required=True)
    set_at = fields.AwareDateTime(allow_none=True, required=True)


class MatterRemindersRun(StrictSchema):
    area_code = area_code(required=True)
    on = fields.Date(load_default=None, allow_none=True)  # default: today in Beijing


class MatterRemindersResult(StrictSchema):
    area_code = fields.String(required=True)
    on = fields.Date(required=True)
    sent = fields.List(fields.Dict(), required=True)  # [{"matter_id", "stage", "step", …}]
    skipped_unknown_years = fields.List(fields.Integer(), required=True)


class PetitionReportQuery(StrictSchema):
    area_code = area_code(required=True)
    year = bounded_int(2000, 2100, load_default=None, allow_none=True)


class Rate(StrictSchema):
    part = fields.Integer(required=True)
    whole = fields.Integer(required=True)
    rate = fields.String(allow_none=True, required=True)  # exact: "49/50"
    permille = fields.Integer(allow_none=True, required=True)


class PetitionFigures(StrictSchema):
    matters = fields.Integer(required=True)
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    by_tier = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    open_by_tier = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    overdue = fields.Integer(required=True)
    on_time = fields.Nested(Rate, required=True)
    locally_resolved = fields.Nested(Rate, required=True)  # 就地化解率
    satisfaction = fields.Nested(Rate, required=True)
    escalated = fields.Integer(required=True)
    converted = fields.Integer(required=True)


class ChildFigures(PetitionFigures):
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)


class PetitionReport(StrictSchema):
    area_code = fields.String(required=True)
    area_name = fields.String(required=True)
    level = one_of(LEVELS, required=True)
    year = fields.Integer(allow_none=True, required=True)
    as_of = fields.Date(required=True)
    totals = fields.Nested(PetitionFigures, required=True)
    children = fields.List(fields.Nested(ChildFigures), required=True)
