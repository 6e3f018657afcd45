"""The factory a service declares its business metrics with (`servicekit.metrics.for_service`).

Each service owns its counters (STYLE §5): they live in its own `<service>/metrics.py`, not in
the shared kit. The factory adds what every one of them must carry: the namespace, the
process-wide registry, and the `service` and `level` labels, first. `service` is bound at
declaration and `level` is the first argument of every call, so a call site passes only its own
labels and cannot leave either out:

    METRICS = metrics.for_service("collection")
    PROPOSALS_SUBMITTED = METRICS.counter("collection_proposals_submitted_total", "…", ["channel"])
    PROPOSALS_SUBMITTED.inc(area.level, channel="visit")

Names (STYLE §2.13, ARCHITECTURE §9): a service's metric is named `<service>_<noun>`, a counter
`<service>_<noun>_total` (`voting_session_steps_total`), which keeps services apart from each
other and from the platform's metrics. The names exposed before issue 10 moved the business
metrics out of servicekit.metrics (`proposals_submitted_total`, `ballots_cast_total`,
`open_rounds`, …) are kept unchanged, because dashboards, deploy/alerts.yml and tests read them:
they are declared with `legacy_name=True`, which nothing new uses.

A name is declared once per process: a second declaration raises `DuplicateMetric`, naming the
first declarer. Handing back the first object instead would let two modules count into one
series without either knowing, and could not honour a second set of labels; a module is
imported once, so only a mistake declares twice.

Lifecycle: declarations run at import of `<service>.metrics` (no I/O: objects on a registry);
samples are made by the calls; the runner serves the registry on METRICS_PORT.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from contracts.reference import LEVELS
from contracts.registry import get as registered
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics import MetricWrapperBase

# The level of a process that serves every level, or none (the gateway).
ALL = "all"
ADDED = ("service", "level")  # first on every service's metric, filled in by the factory
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
M = TypeVar("M", bound=MetricWrapperBase)


class DuplicateMetric(ValueError):
    """A metric name declared a second time in one process."""


@dataclass(frozen=True)
class Family:
    name: str  # as exposed: minsheng_ballots_cast_total
    kind: str  # counter, gauge or histogram
    service: str
    documentation: str
    labels: tuple[str, ...]  # service, level, then the service's own
    scraped: bool = False  # built at scrape time by a collector, not kept on the registry

    def values(self, level: str, labels: Mapping[str, str]) -> tuple[str, ...]:
        """One series' label values, checked: a misspelt level, or an id passed by mistake,
        would otherwise open a new series for the life of the process."""
        if level not in (*LEVELS, ALL):
            raise ValueError(f"{self.name}: level {level!r} is not one of {(*LEVELS, ALL)}")
        own = self.labels[len(ADDED) :]
        if sorted(labels) != sorted(own):
            raise ValueError(f"{self.name} takes the labels {list(own)}, not {sorted(labels)}")
        return (self.service, level, *(str(labels[name]) for name in own))


class Catalog:
    """Every family services declared on one registry, by exposed name: the duplicate check,
    and the names tests/integration/test_deploy_files.py checks deploy/alerts.yml against."""

    def __init__(self, registry: CollectorRegistry, namespace: str) -> None:
        self.registry, self.namespace = registry, namespace
        self.families: dict[str, Family] = {}


class Leveled(Generic[M]):
    """One service's metric: `service` bound at declaration, `level` the first argument."""

    def __init__(self, family: Family, metric: M) -> None:
        self.family, self._metric = family, metric

    def labels(self, level: str, /, **labels: str) -> M:
        """One series, e.g. to count after a commit: `then=ROUNDS_OPENED.labels(level).inc`."""
        return self._metric.labels(*self.family.values(level, labels))


class LeveledCounter(Leveled[Counter]):
    def inc(self, level: str, amount: float = 1, /, **labels: str) -> None:
        self.labels(level, **labels).inc(amount)


class LeveledGauge(Leveled[Gauge]):
    def set(self, level: str, value: float, /, **labels: str) -> None:
        self.labels(level, **labels).set(value)


class LeveledHistogram(Leveled[Histogram]):
    def observe(self, level: str, value: float, /, **labels: str) -> None:
        self.labels(level, **labels).observe(value)


class LeveledGaugeFamily(GaugeMetricFamily):
    """One scrape's samples of a scraped gauge: `family = OPEN_ROUNDS.new()`, then
    `family.add(level, count)` per level, and the collector yields `family`."""

    def __init__(self, family: Family) -> None:
        super().__init__(family.name, family.documentation, labels=family.labels)
        self.family = family

    def add(self, level: str, value: float, /, **labels: str) -> None:
        self.add_metric(self.family.values(level, labels), value)


class ScrapedGauge:
    """A gauge of stored state ("rounds open now"), read from a database at scrape time by a
    collector the service's module lists in `collectors()` (servicekit.runner)."""

    def __init__(self, family: Family) -> None:
        self.family = family

    def new(self) -> LeveledGaugeFamily:
        return LeveledGaugeFamily(self.family)


class ServiceMetrics:
    """The metrics of one registered service, declared on one catalog's registry."""

    def __init__(self, service: str, catalog: Catalog) -> None:
        registered(service)  # a misspelt service fails here, with the registered names
        self.service, self.catalog = service, catalog

    def counter(
        self, name: str, doc: str, labels: Sequence[str] = (), *, legacy_name: bool = False
    ) -> LeveledCounter:
        if not name.endswith("_total"):
            raise ValueError(f"{name}: a counter's name ends in _total (STYLE §2.13)")
        family = self._family("counter", name, doc, labels, legacy_name)
        on = self.catalog
        metric = Counter(name, doc, family.labels, namespace=on.namespace, registry=on.registry)
        return LeveledCounter(family, self._kept(family, metric))

    def gauge(
        self, name: str, doc: str, labels: Sequence[str] = (), *, legacy_name: bool = False
    ) -> LeveledGauge:
        family = self._family("gauge", name, doc, labels, legacy_name)
        on = self.catalog
        metric = Gauge(name, doc, family.labels, namespace=on.namespace, registry=on.registry)
        return LeveledGauge(family, self._kept(family, metric))

    def histogram(
        self,
        name: str,
        doc: str,
        labels: Sequence[str] = (),
        *,
        buckets: Sequence[float] = Histogram.DEFAULT_BUCKETS,
        legacy_name: bool = False,
    ) -> LeveledHistogram:
        family = self._family("histogram", name, doc, labels, legacy_name)
        on = self.catalog
        metric = Histogram(
            name, doc, family.labels, namespace=on.namespace, registry=on.registry, buckets=buckets
        )
        return LeveledHistogram(family, self._kept(family, metric))

    def scraped_gauge(
        self, name: str, doc: str, labels: Sequence[str] = (), *, legacy_name: bool = False
    ) -> ScrapedGauge:
        family = self._family("gauge", name, doc, labels, legacy_name, scraped=True)
        self.catalog.families[family.name] = family
        return ScrapedGauge(family)

    def _family(
        self,
        kind: str,
        name: str,
        doc: str,
        labels: Sequence[str],
        legacy_name: bool,
        scraped: bool = False,
    ) -> Family:
        if not _NAME.match(name) or not (legacy_name or name.startswith(f"{self.service}_")):
            raise ValueError(f"{name!r}: a metric of {self.service} is named {self.service}_…")
        if set(labels) & set(ADDED) or len(set(labels)) < len(labels):
            raise ValueError(f"{name}: labels {list(labels)} repeat one or name one of {ADDED}")
        full = f"{self.catalog.namespace}_{name}"
        if full in self.catalog.families:
            first = self.catalog.families[full].service
            raise DuplicateMetric(f"{full} declared twice: by {first}, then by {self.service}")
        return Family(full, kind, self.service, doc, (*ADDED, *labels), scraped)

    def _kept(self, family: Family, metric: M) -> M:
        # Recorded once prometheus_client accepted the metric: a name the platform's metrics
        # already use fails there (ValueError: Duplicated timeseries) and leaves nothing behind.
        self.catalog.families[family.name] = family
        return metric
