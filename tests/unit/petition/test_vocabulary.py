"""The contracts' vocabulary of petition agrees with the rules' (the domain imports the standard
library only, so each side spells it out; this keeps them one)."""

import pytest
from contracts import events, matters, petition
from petition.domain import codes, deputies, stations, timelimits
from petition.domain import matters as states
from petition.use_cases.handling import ACTIONS, NEEDS


def test_states_tiers_methods_and_ratings_are_the_same_words():
    assert matters.MATTER_STATES == states.STATES
    assert matters.TIERS == states.TIERS
    assert matters.METHODS == states.METHODS
    assert matters.SATISFACTION == states.SATISFACTION


def test_every_action_of_the_path_is_one_of_the_state_machine_and_back():
    assert set(matters.MATTER_ACTIONS) == set(ACTIONS)
    assert set(ACTIONS.values()) == set(states.ACTIONS)
    assert set(NEEDS) <= set(states.ACTIONS)


def test_time_limit_words_and_steps():
    assert matters.STAGES == timelimits.STAGES
    assert matters.UNITS == timelimits.UNITS
    assert matters.STARTS == timelimits.STARTS
    assert matters.REMINDER_STEPS == tuple(timelimits.STEP_NAMES) == events.MATTER_LEVEL_STEPS


def test_deputies_and_stations():
    assert petition.CONTACT_POLICIES == deputies.CONTACT_POLICIES
    assert petition.STATION_KINDS == stations.KINDS


@pytest.mark.parametrize(
    "typed",
    ["T7K2M9QX", "t7k2-m9qx", " B7K2 M9QO ", "C7K2M9QI", "X7K2M9QX", "T7K2", "", "Т7K2M9QX"],
)
def test_the_gateway_reads_a_code_as_the_service_does(typed):
    assert petition.public_code_level(typed) == codes.level_of(typed)
