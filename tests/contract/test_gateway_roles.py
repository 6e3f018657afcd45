"""The gateway's role pre-check against the services' own rules: each set of roles a route
declares (gateway/routes/<service>/roles.py) is the same set the service accepts for that
RPC, so the gateway never refuses a caller the service would let in, and the roles OpenAPI
shows are the service's."""

import pytest
from collection.domain import intake, lists, screening
from gateway.routes.collection import roles as collection
from gateway.routes.implementation import roles as implementation
from gateway.routes.petition import roles as petition
from gateway.routes.supervision import checkpoints as checkpoint_routes
from gateway.routes.supervision import evaluation as supervision_evaluation
from gateway.routes.supervision import groups as supervision_groups
from gateway.routes.supervision import inspections as supervision_inspections
from gateway.routes.supervision import public as supervision_public
from gateway.routes.voting import roles as voting
from implementation import roles as implementation_roles
from implementation.use_cases import calendar as implementation_calendar
from implementation.use_cases import settings as implementation_settings
from petition import roles as petition_roles
from supervision import roles as supervision_roles
from supervision.use_cases import checkpoint_calendar, checkpoint_documents, checkpoint_reports
from voting.use_cases import common, roll

# gateway set -> the service's set for the same RPCs
SAME = [
    (collection.STAFF, intake.STAFF_ROLES),
    (collection.NOTICE, intake.NOTICE_ROLES),
    (collection.ATTACHMENT, intake.ATTACHMENT_ROLES),
    (collection.MERGE, intake.MERGE_ROLES),
    # add_supporter: the channel's roles, or staff where the channel has none
    (collection.SUPPORTER, intake.STAFF_ROLES.union(*intake.CHANNEL_ROLES.values())),
    (collection.SCREEN, screening.SCREEN_ROLES),
    (collection.SCREENING_READ, screening.READ_ROLES),
    (collection.LIBRARY_READ, screening.LIBRARY_READ_ROLES),
    (collection.LIBRARY_EDIT, screening.LIBRARY_EDIT_ROLES),
    (collection.PUBLISH, screening.PUBLISH_ROLES),
    (collection.LIST_READ, lists.READ_ROLES),
    (collection.SETTINGS, lists.SETTINGS_ROLES),
    (collection.BUILD, lists.BUILD_ROLES),
    (collection.COMMENT, lists.COMMENT_ROLES),
    (collection.REPORT, intake.STAFF_ROLES),  # use_cases.reports checks STAFF_ROLES
    (voting.RUN, common.RUN_ROLES),
    (voting.READ, common.READ_ROLES),
    (voting.SESSION_READ, common.READ_ROLES | {common.DEPUTY}),
    (voting.RULES_READ, common.RUN_ROLES | {"supervisor", common.DEPUTY}),
    (voting.ROSTER_READ, common.RUN_ROLES | {"supervisor"}),
    (voting.ROLL, roll.ROLL_ROLES),
    (voting.TELLER, common.TELLER_ROLES),
    (voting.SUPERVISOR, common.SUPERVISOR_ROLES),
    (implementation.READ, implementation_roles.READ),
    (implementation.WRITE, implementation_roles.WRITE),
    (implementation.FINANCE, implementation_roles.FINANCE),
    (implementation.TREASURY_READ, implementation_roles.TREASURY_READ),
    (implementation.RULES, implementation_roles.RULES),
    (implementation.FEED_READ, implementation_roles.FEED_READ),
    (implementation.CALENDAR, implementation_calendar.CALENDAR_ROLES),
    (implementation.SETTINGS, implementation_settings.SETTINGS_ROLES),
    (petition.KEEP, petition_roles.KEEP),
    (petition.KEEP, petition_roles.RULES),
    (petition.READ, petition_roles.READ),
    (petition.MATTER_READ, petition_roles.MATTER_READ),
    (petition.ACT, petition_roles.ACT_ANY),
    (petition.CALENDAR, petition_roles.CALENDAR),
    (petition.CALENDAR_READ, petition_roles.MATTER_READ | petition_roles.CALENDAR),
    (petition.REPORT, petition_roles.REPORT),
    (petition.POST, petition_roles.POST),
    (petition.MODERATE, petition_roles.MODERATE),
    (petition.DIARY, petition_roles.DIARY),
    (petition.OPEN311_KEYS, petition_roles.OPEN311_KEYS),
    (petition.HOTLINE_READ, petition_roles.HOTLINE_READ),
    (petition.DEPUTY, petition_roles.SUPERVISE),
    (petition.KEEP, petition_roles.HOTLINE_KEEP),
    (checkpoint_routes.STAFF, supervision_roles.STAFF),  # set checkpoints, run reminders
    (checkpoint_routes.READ, supervision_roles.READ),  # list and read checkpoints
    # file a report, then use_cases.groups.require_member (a member, or the area's staff)
    (checkpoint_routes.MEMBERS, checkpoint_reports.FILE_ROLES),
    (checkpoint_routes.MEMBERS, checkpoint_documents.DOCUMENT_ROLES),  # meeting documents
    (checkpoint_routes.CALENDAR, checkpoint_calendar.CALENDAR_ROLES),  # enter a year's days
    (supervision_groups.STAFF, supervision_roles.STAFF),
    (supervision_groups.READ, supervision_roles.READ),
    (supervision_public.STAFF, supervision_roles.STAFF),  # codes, feedback, supervisors
    (supervision_public.SUPERVISORS, supervision_roles.SOCIAL_SUPERVISORS),  # observe
    (supervision_public.OBSERVATION_READ, supervision_roles.OBSERVATION_READ),
    (supervision_inspections.INSPECT, supervision_roles.INSPECT),
    (supervision_inspections.FINDINGS_READ, supervision_roles.FINDINGS_READ),
    (supervision_inspections.STAFF, supervision_roles.STAFF),
    (supervision_evaluation.FRAMEWORK_WRITE, supervision_roles.FRAMEWORK_WRITE),
    (supervision_evaluation.FRAMEWORK_READ, supervision_roles.FRAMEWORK_READ),
    (supervision_evaluation.EVALUATION_WRITE, supervision_roles.EVALUATION_WRITE),
    (supervision_evaluation.EVALUATION_READ, supervision_roles.EVALUATION_READ),
    (supervision_evaluation.SATISFACTION_WRITE, supervision_roles.SATISFACTION_WRITE),
    (supervision_evaluation.SATISFACTION_READ, supervision_roles.SATISFACTION_READ),
    (supervision_evaluation.YEAR_END_READ, supervision_roles.YEAR_END_READ),
]


@pytest.mark.parametrize(("declared", "service"), SAME)
def test_the_gateway_declares_the_roles_the_service_accepts(declared, service):
    assert declared == service


def test_channels_enter_with_the_services_roles():
    assert collection.CHANNEL == intake.CHANNEL_ROLES
