"""The platform exactly as `make run` starts it (scripts.run_platform), on PostgreSQL: one per
module (tests.support.platform)."""

import pytest

from tests.support.platform import RunningPlatform, running

__all__ = ["RunningPlatform"]


@pytest.fixture(scope="module")
def make_run_env() -> dict[str, str]:
    """More environment for a module's `make run` (a module overrides this fixture): e.g.
    test_township_year's development clock."""
    return {}


@pytest.fixture(scope="module")
def make_run(tmp_path_factory, amqp_uri, pg, make_run_env):
    data_dir = tmp_path_factory.mktemp("make-run") / "data"
    with running(data_dir, amqp_uri, pg, "e2e", make_run_env) as platform:
        yield platform
