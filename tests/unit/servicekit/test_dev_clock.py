"""The development clock fails closed: MINSHENG_TODAY moves implementation's business date only
with MINSHENG_DEV=1; set without it (or not a date) no worker starts and `make run` says so in
one line, and the wall clock is never touched."""

from datetime import date, datetime

import pytest
from implementation.use_cases import common
from servicekit import clock, config, runner

from scripts import run_platform


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("MINSHENG_TODAY", "MINSHENG_DEV"):
        monkeypatch.setenv(name, "")  # recorded, so whatever a test sets is undone
        monkeypatch.delenv(name)
    monkeypatch.setenv("TOKEN_SECRET", "t" * 40)


def test_unset_the_business_date_is_today_in_beijing():
    assert config.dev_today() is None
    assert common.today() == datetime.now(clock.BEIJING).date()


def test_in_development_implementation_dates_by_it(monkeypatch):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
    assert common.today() == date(2027, 12, 20)
    assert clock.business_date() == date(2027, 12, 20)
    assert clock.utcnow().year == datetime.now().year  # only the business date moves


@pytest.mark.parametrize("flag", [None, "0", "true"])
def test_without_development_mode_it_is_refused_not_ignored(monkeypatch, flag):
    if flag is not None:
        monkeypatch.setenv("MINSHENG_DEV", flag)
    monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
    with pytest.raises(config.ConfigError) as refused:
        common.today()
    line = str(refused.value)
    assert "\n" not in line and line.startswith("MINSHENG_TODAY 只用于开发")
    assert "MINSHENG_DEV=1" in line


@pytest.mark.parametrize("text", ["2027-13-01", "2027-2-1", "20271220", "tomorrow"])
def test_a_malformed_date_is_refused_in_one_line(monkeypatch, text):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", text)
    with pytest.raises(config.ConfigError, match="YYYY-MM-DD") as refused:
        config.dev_today()
    assert "\n" not in str(refused.value)


def test_a_worker_refuses_to_start_with_it_outside_development(monkeypatch):
    monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
    with pytest.raises(config.ConfigError, match="MINSHENG_TODAY"):
        runner.configured("implementation")  # main() prints it and exits 5, nothing started


def test_a_worker_starts_with_it_in_development(monkeypatch):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
    module, _ = runner.configured("implementation")
    assert module.SERVICE.name == "implementation"


class TestMakeRun:
    def test_the_banner_names_the_clock(self, monkeypatch):
        monkeypatch.setenv("MINSHENG_DEV", "1")
        monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
        line = run_platform.business_clock()
        assert line is not None and "MINSHENG_TODAY=2027-12-20" in line

    def test_no_clock_no_line(self):
        assert run_platform.business_clock() is None

    def test_with_a_secret_and_no_development_flag_it_refuses_before_anything_starts(
        self, monkeypatch
    ):
        monkeypatch.setenv("MINSHENG_TODAY", "2027-12-20")
        assert run_platform.signing_mode() == run_platform.SECRET_SIGNING  # no MINSHENG_DEV
        with pytest.raises(config.ConfigError):
            run_platform.business_clock()
