"""servicekit.metric_factory: a service's metric always carries `service` and `level`, under the
namespace, and a name is declared once per process (a second declaration fails, naming the
first). Each test declares on a registry of its own; the process-wide one is only read."""

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from servicekit import metrics
from servicekit.metric_factory import Catalog, DuplicateMetric, ServiceMetrics


@pytest.fixture
def catalog():
    return Catalog(CollectorRegistry(auto_describe=True), "minsheng")


@pytest.fixture
def collection(catalog):
    return ServiceMetrics("collection", catalog)


def sample(catalog, name, **labels):
    return catalog.registry.get_sample_value(name, labels)


class TestLabels:
    def test_the_factory_adds_service_and_level_before_the_own_labels(self, catalog, collection):
        counter = collection.counter("collection_things_total", "Things.", ["channel"])
        counter.inc("township", channel="visit")
        counter.inc("township", 2, channel="visit")
        assert counter.family.labels == ("service", "level", "channel")
        got = sample(
            catalog, "minsheng_collection_things_total",
            service="collection", level="township", channel="visit",
        )  # fmt: skip
        assert got == 3

    def test_the_series_can_be_taken_now_and_counted_later(self, catalog, collection):
        then = collection.counter("collection_rounds_total", "Rounds.").labels("city").inc
        then()
        got = sample(
            catalog, "minsheng_collection_rounds_total", service="collection", level="city"
        )
        assert got == 1

    def test_the_level_cannot_be_left_out(self, collection):
        counter = collection.counter("collection_things_total", "Things.", ["channel"])
        with pytest.raises(TypeError):
            counter.inc(channel="visit")

    @pytest.mark.parametrize("level", ["", "province", "150102"])
    def test_a_level_that_is_not_one_is_refused(self, collection, level):
        counter = collection.counter("collection_things_total", "Things.")
        with pytest.raises(ValueError, match="level"):
            counter.inc(level)

    def test_a_process_of_all_levels_reports_all(self, catalog, collection):
        collection.gauge("collection_depth", "Depth.").set("all", 4)
        assert sample(catalog, "minsheng_collection_depth", service="collection", level="all") == 4

    @pytest.mark.parametrize("labels", [{}, {"channel": "visit", "extra": "x"}, {"chanel": "v"}])
    def test_exactly_the_declared_own_labels_are_taken(self, collection, labels):
        counter = collection.counter("collection_things_total", "Things.", ["channel"])
        with pytest.raises(ValueError, match=r"takes the labels \['channel'\]"):
            counter.inc("township", **labels)

    @pytest.mark.parametrize("labels", [["service"], ["level"], ["reason", "level"], ["a", "a"]])
    def test_service_and_level_cannot_be_declared_by_hand(self, collection, labels):
        with pytest.raises(ValueError, match="labels"):
            collection.counter("collection_things_total", "Things.", labels)

    def test_a_histogram_observes_into_its_buckets(self, catalog, collection):
        latency = collection.histogram("collection_wait_seconds", "Wait.", buckets=(1, 5))
        latency.observe("banner", 3)
        bucket = "minsheng_collection_wait_seconds_bucket"
        labels = {"service": "collection", "level": "banner"}
        assert sample(catalog, bucket, **labels, le="1.0") == 0
        assert sample(catalog, bucket, **labels, le="5.0") == 1

    def test_a_scraped_gauge_builds_each_scrape_with_the_same_labels(self, catalog, collection):
        open_rounds = collection.scraped_gauge("collection_open", "Open now.", ["kind"])
        family = open_rounds.new()
        family.add("township", 2, kind="draft")
        [only] = family.samples
        assert only.name == "minsheng_collection_open" and only.value == 2
        assert only.labels == {"service": "collection", "level": "township", "kind": "draft"}
        with pytest.raises(ValueError, match="level"):
            family.add("nowhere", 1, kind="draft")
        assert catalog.families["minsheng_collection_open"].scraped

    def test_samples_are_exposed_under_the_namespace(self, catalog, collection):
        collection.counter("collection_things_total", "Things.").inc("city")
        text = generate_latest(catalog.registry).decode()
        assert 'minsheng_collection_things_total{level="city",service="collection"} 1.0' in text


class TestNames:
    def test_a_second_declaration_fails_naming_the_first(self, catalog, collection):
        first = collection.counter("collection_things_total", "Things.")
        with pytest.raises(DuplicateMetric, match="by collection, then by collection"):
            collection.counter("collection_things_total", "Things.")
        assert catalog.families["minsheng_collection_things_total"] is first.family

    def test_another_service_or_kind_cannot_take_a_declared_name(self, catalog, collection):
        collection.counter("ballots_cast_total", "Cast.", legacy_name=True)
        voting = ServiceMetrics("voting", catalog)
        with pytest.raises(DuplicateMetric, match="by collection, then by voting"):
            voting.counter("ballots_cast_total", "Cast.", ["medium"], legacy_name=True)
        collection.gauge("collection_depth", "Depth.")
        with pytest.raises(DuplicateMetric):
            collection.scraped_gauge("collection_depth", "Depth.")

    def test_a_new_metric_is_named_after_its_service(self, collection):
        with pytest.raises(ValueError, match="is named collection_"):
            collection.counter("proposals_total", "Proposals.")
        with pytest.raises(ValueError, match="is named collection_"):
            collection.gauge("voting_depth", "Depth.")

    def test_a_name_from_before_the_rule_is_kept_when_declared_legacy(self, catalog, collection):
        collection.counter("proposals_submitted_total", "Proposals.", legacy_name=True)
        assert "minsheng_proposals_submitted_total" in catalog.families

    @pytest.mark.parametrize("name", ["collection_things", "collection_things_count"])
    def test_a_counter_ends_in_total(self, collection, name):
        with pytest.raises(ValueError, match="_total"):
            collection.counter(name, "Things.")

    @pytest.mark.parametrize("name", ["collection-things_total", "Collection_x_total", "9x_total"])
    def test_a_name_outside_prometheus_lower_snake_case_is_refused(self, collection, name):
        with pytest.raises(ValueError):
            collection.counter(name, "Things.", legacy_name=True)

    def test_an_unregistered_service_has_no_metrics(self, catalog):
        with pytest.raises(KeyError, match="colection"):
            ServiceMetrics("colection", catalog)

    def test_a_platform_name_is_refused_and_leaves_nothing_behind(self):
        kit = metrics.for_service("collection")
        assert kit.catalog is metrics.CATALOG and kit.catalog.registry is metrics.REGISTRY
        with pytest.raises(ValueError, match="Duplicated timeseries"):
            kit.counter("entrypoint_calls_total", "Calls.", legacy_name=True)
        assert "minsheng_entrypoint_calls_total" not in metrics.CATALOG.families
