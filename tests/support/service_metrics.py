"""Every registered service's business metrics, declared: each `<service>.metrics` imported
(a service without one, like the gateway, has none) and servicekit.metrics.CATALOG read, so a
service added to contracts.registry is covered with no edit here."""

import importlib
import importlib.util

from contracts import registry
from servicekit import metrics
from servicekit.metric_factory import Family


def declared_families() -> dict[str, Family]:
    for service in registry.SERVICES:
        module = f"{service.name}.metrics"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    return dict(metrics.CATALOG.families)
