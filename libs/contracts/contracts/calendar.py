"""The working-day calendar's override table, as every service that keeps one shows and takes
it (servicekit.workcalendar): a year's days off and make-up working days (调休) from the State
Council's notice."""

from marshmallow import fields, validate

from .fields import StrictSchema, text


class CalendarYearIn(StrictSchema):
    """A year's holiday schedule as the State Council publishes it (国务院办公厅节假日安排通知)."""

    holidays = fields.List(fields.Date(), required=True, validate=validate.Length(max=60))
    workdays = fields.List(fields.Date(), required=True, validate=validate.Length(max=20))
    document_ref = text(1, 200, required=True)


class CalendarYearOut(StrictSchema):
    year = fields.Integer(required=True)
    known = fields.Boolean(required=True)
    source = fields.String(allow_none=True, required=True)  # "chinese-calendar" or "override"
    holidays = fields.List(fields.Date(), required=True)  # days off that are not weekends, too
    workdays = fields.List(fields.Date(), required=True)  # make-up working days (调休)
    document_ref = fields.String(allow_none=True, required=True)
