"""The fund sources the API accepts are the ones the money rules know, in the same order:
implementation's domain is standard library only, so it keeps its own copy of the names
contracts.funds validates against, and this test keeps the two equal."""

from contracts import funds as contract
from implementation.domain import funds as domain


def test_the_contract_and_the_domain_name_the_same_sources_in_the_same_order():
    assert contract.FUND_SOURCES == domain.FUND_SOURCES


def test_the_special_sources_are_the_same():
    assert set(contract.SPECIAL_SOURCES) == domain.SPECIAL_SOURCES
