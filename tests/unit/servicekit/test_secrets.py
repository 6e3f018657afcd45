"""Secrets fail closed: no TOKEN_SECRET of 32 bytes, no start — unless MINSHENG_DEV=1, which
`make run` sets (and says so) when TOKEN_SECRET is unset."""

import logging

import pytest
from servicekit import config

from scripts import run_platform


@pytest.fixture(autouse=True)
def _no_secret(monkeypatch):
    for name in ("TOKEN_SECRET", "MINSHENG_DEV"):
        monkeypatch.setenv(name, "")  # recorded, so whatever a test sets is undone
        monkeypatch.delenv(name)
    monkeypatch.setattr(config, "_warned", [])


@pytest.mark.parametrize("secret", [None, "", "x" * 31, "短" * 10])  # 短: 3 bytes each, 30 in all
def test_a_missing_or_short_secret_refuses_with_one_chinese_first_line(monkeypatch, secret):
    if secret is not None:
        monkeypatch.setenv("TOKEN_SECRET", secret)
    with pytest.raises(config.ConfigError) as refused:
        config.token_secret()
    line = str(refused.value)
    assert "\n" not in line and line.startswith("TOKEN_SECRET 未设置或不足 32 字节，拒绝启动")
    assert "MINSHENG_DEV=1" in line


def test_a_secret_of_32_bytes_is_used(monkeypatch):
    monkeypatch.setenv("TOKEN_SECRET", "k" * 32)
    assert config.token_secret() == "k" * 32


@pytest.mark.parametrize("secret", [None, "short"])
def test_development_mode_uses_the_development_secret_and_warns_once(monkeypatch, caplog, secret):
    monkeypatch.setenv("MINSHENG_DEV", "1")
    if secret is not None:
        monkeypatch.setenv("TOKEN_SECRET", secret)
    with caplog.at_level(logging.WARNING, logger="servicekit.config"):
        assert config.token_secret() == config.DEV_TOKEN_SECRET
        assert config.token_secret() == config.DEV_TOKEN_SECRET
    warnings = [r.getMessage() for r in caplog.records if r.name == "servicekit.config"]
    assert len(warnings) == 1 and "切勿用于生产环境" in warnings[0]


@pytest.mark.parametrize("flag", ["0", "true", "yes", ""])
def test_only_the_value_1_means_development(monkeypatch, flag):
    monkeypatch.setenv("MINSHENG_DEV", flag)
    with pytest.raises(config.ConfigError):
        config.token_secret()


class TestMakeRun:
    def test_without_a_secret_its_children_get_development_mode_and_the_banner_says_so(
        self, monkeypatch
    ):
        line = run_platform.signing_mode()
        assert config.dev_mode()  # os.environ: what every child inherits
        assert "MINSHENG_DEV=1" in line and "切勿用于生产" in line

    def test_with_a_secret_its_children_sign_with_it(self, monkeypatch):
        monkeypatch.setenv("TOKEN_SECRET", "s" * 40)
        assert run_platform.signing_mode() == run_platform.SECRET_SIGNING
        assert not config.dev_mode()

    def test_a_short_secret_is_refused_before_anything_starts(self, monkeypatch):
        monkeypatch.setenv("TOKEN_SECRET", "too-short")
        with pytest.raises(config.ConfigError):
            run_platform.signing_mode()
