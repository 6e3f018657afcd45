"""servicekit.levels and servicekit.config: names and settings derived in one place."""

from pathlib import Path

import pytest
from contracts.reference import LEVELS
from servicekit import config, levels


class TestServiceNames:
    @pytest.mark.parametrize("level", LEVELS)
    def test_a_leveled_name_round_trips(self, level):
        name = levels.service_name_for("collection", level)
        assert name == f"collection_{level}"
        assert levels.logical_name(name) == "collection"
        assert levels.level_of_service(name) == level

    def test_an_unknown_level_has_no_service_name(self):
        with pytest.raises(ValueError, match="province"):
            levels.service_name_for("collection", "province")

    @pytest.mark.parametrize("name", ["gateway", "probe", "collection"])
    def test_a_name_without_level_is_its_own_logical_name(self, name):
        assert levels.logical_name(name) == name
        assert levels.level_of_service(name) is None

    def test_underscores_inside_the_service_name_are_kept(self):
        assert levels.logical_name("vote_tally_banner") == "vote_tally"
        assert levels.level_of_service("vote_tally_banner") == "banner"
        assert levels.logical_name("vote_tally") == "vote_tally"
        assert levels.level_of_service("vote_tally") is None

    def test_a_bare_level_word_is_not_a_leveled_name(self):
        assert levels.logical_name("city") == "city"
        assert levels.logical_name("_city") == "_city"


class TestRateLimitParse:
    @pytest.mark.parametrize(
        ("text", "requests", "seconds"),
        [
            ("30/60", 30, 60.0),
            ("5/300", 5, 300.0),
            ("10/0.5", 10, 0.5),
            ("7", 7, 60.0),
            ("7/", 7, 60.0),
        ],
    )
    def test_parses_requests_per_seconds(self, text, requests, seconds):
        limit = config.RateLimit.parse(text)
        assert (limit.requests, limit.per_seconds) == (requests, seconds)

    @pytest.mark.parametrize("text", ["", "many/60", "30/minute"])
    def test_rejects_text_that_is_not_numbers(self, text):
        with pytest.raises(ValueError):
            config.RateLimit.parse(text)


class TestDatabaseUrl:
    def test_defaults_to_sqlite_under_data_dir(self, monkeypatch, tmp_path):
        folder = tmp_path / "nested" / "data"
        monkeypatch.setenv("DATA_DIR", str(folder))
        monkeypatch.delenv("COLLECTION_DATABASE_URL", raising=False)
        url = config.database_url("collection")
        assert url == f"sqlite:///{folder.resolve()}/collection.db"
        assert folder.is_dir()  # created so SQLite can open the file

    def test_each_service_gets_its_own_file(self, monkeypatch, tmp_path):
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        monkeypatch.delenv("COLLECTION_DATABASE_URL", raising=False)
        monkeypatch.delenv("GATEWAY_DATABASE_URL", raising=False)
        assert config.database_url("collection") != config.database_url("gateway")

    def test_a_relative_data_dir_becomes_absolute(self, monkeypatch, tmp_path):
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("DATA_DIR", "rel/data")
        monkeypatch.delenv("COLLECTION_DATABASE_URL", raising=False)
        url = config.database_url("collection")
        assert (
            Path(url.removeprefix("sqlite:///"))
            == (tmp_path / "rel" / "data" / "collection.db").resolve()
        )

    def test_the_service_variable_overrides_the_default(self, monkeypatch, tmp_path):
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "unused"))
        monkeypatch.setenv(
            "COLLECTION_DATABASE_URL", "postgresql+psycopg2://collection@db:5432/collection"
        )
        assert (
            config.database_url("collection")
            == "postgresql+psycopg2://collection@db:5432/collection"
        )
        assert not (tmp_path / "unused").exists()

    def test_another_service_variable_does_not_apply(self, monkeypatch, tmp_path):
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        monkeypatch.setenv("GATEWAY_DATABASE_URL", "postgresql://gateway@db/gateway")
        monkeypatch.delenv("COLLECTION_DATABASE_URL", raising=False)
        assert config.database_url("collection").startswith("sqlite:///")


class TestWorkerLevels:
    @pytest.mark.parametrize("level", LEVELS)
    def test_one_level_serves_only_that_level(self, monkeypatch, level):
        monkeypatch.setenv("WORKER_LEVEL", level)
        assert config.worker_levels() == (level,)

    def test_all_serves_every_level(self, monkeypatch):
        monkeypatch.setenv("WORKER_LEVEL", "all")
        assert config.worker_levels() == LEVELS

    def test_unset_serves_every_level(self, monkeypatch):
        monkeypatch.delenv("WORKER_LEVEL", raising=False)
        assert config.worker_levels() == LEVELS

    @pytest.mark.parametrize("bad", ["province", "Township", "", "township,banner"])
    def test_a_bad_level_stops_the_process_with_a_message(self, monkeypatch, bad):
        monkeypatch.setenv("WORKER_LEVEL", bad)
        with pytest.raises(SystemExit) as caught:
            config.worker_levels()
        assert "WORKER_LEVEL" in str(caught.value.code)
        assert repr(bad) in str(caught.value.code)
