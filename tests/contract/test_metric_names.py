"""The business metrics' names and label sets as Prometheus exposes them: dashboards,
deploy/alerts.yml and tests read these, so moving a metric into its service's own module (issue
10) or renaming one must not change them. A new metric is free to be added; these stay."""

import pytest
from contracts import registry

from tests.support.service_metrics import declared_families

KEPT = {
    "minsheng_proposals_submitted_total": ("collection", "channel"),
    "minsheng_proposals_merged_total": ("collection",),
    "minsheng_screening_verdicts_total": ("collection", "verdict"),
    "minsheng_draft_list_rounds_opened_total": ("collection",),
    "minsheng_draft_list_rounds_closed_total": ("collection",),
    "minsheng_candidate_lists_frozen_total": ("collection",),
    "minsheng_open_rounds": ("collection",),
    "minsheng_ballots_cast_total": ("voting", "medium"),
    "minsheng_ballot_cast_refusals_total": ("voting", "reason"),
    "minsheng_voting_session_steps_total": ("voting", "state"),
}


@pytest.fixture(scope="module")
def families():
    return declared_families()


@pytest.mark.parametrize("name", sorted(KEPT))
def test_each_metric_keeps_its_name_owner_and_labels(families, name):
    service, *own = KEPT[name]
    assert name in families, f"{name} is no longer declared by {service}.metrics"
    assert families[name].service == service
    assert families[name].labels == ("service", "level", *own)
    assert families[name].kind == ("counter" if name.endswith("_total") else "gauge")


def test_every_declared_metric_belongs_to_a_registered_service(families):
    for name, family in families.items():
        assert family.service in registry.BY_NAME, name
        assert family.labels[:2] == ("service", "level"), name
        assert name.startswith("minsheng_"), name
