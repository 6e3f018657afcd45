"""Deputies, stations and their public codes through petition's entrypoints on migrated SQLite:
the CSV import (all or nothing, every bad row by line, a second import updates), stations with
their duty schedule, the resident's page, QR codes that decode (zxing-cpp) to the page's URL and
lead back to the deputy, the poster, and a code revoked and replaced."""

import base64
import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image
from servicekit.errors import Forbidden, NotFound, RuleViolation, ValidationFailed

from tests.support import petition as p
from tests.support.workers import migrated_sessions

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://minsheng.example.cn/")
    with migrated_sessions("petition", tmp_path) as sessions:
        yield p.build(sessions)


def decode_png(content: bytes) -> str:
    (barcode,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(content)), formats=zxingcpp.BarcodeFormat.QRCode
    )
    return barcode.text


class TestImport:
    def test_the_csv_makes_profiles_linked_to_accounts_each_with_a_code(self, world):
        assert set(world.deputies) == {"wang", "zhao", "li"}
        wang = world.worker(p.RENDA).get_deputy(world.deputies["wang"]["id"])
        assert wang["station_name"] == p.STATION["name"]
        assert wang["specialties"] == ["调解", "法律"]
        assert (wang["level"], wang["username"]) == ("township", "wang")
        assert re.fullmatch(r"T[0-9A-HJKMNP-TV-Z]{7}", wang["public_code"])
        assert wang["public_url"] == f"https://minsheng.example.cn/d/{wang['public_code']}"
        assert world.code_of("li").startswith("B")

    def test_a_second_import_updates_the_profile_and_keeps_its_code(self, world):
        again = world.worker(p.RENDA).import_deputies(
            {
                "area_code": "150622",
                "csv": "姓名,层级,地区代码,代表团,账号\n王建国,镇,150622100,新代表团,wang\n",
            }
        )
        assert again["created"] == 0 and again["updated"] == 1
        assert again["deputies"][0]["public_code"] == world.code_of("wang")
        profile = world.worker(p.RENDA).get_deputy(world.deputies["wang"]["id"])
        assert profile["delegation"] == "新代表团" and profile["station_id"] is None

    def test_any_bad_row_refuses_the_whole_file_naming_each_line(self, world):
        csv = (
            "姓名,层级,地区代码,账号\n"
            "孙某,苏木乡镇,150622100,sun\n"
            "周某,苏木乡镇,150602001,zhou\n"  # 东胜区: outside 准格尔旗
            ",旗区,150622,wu\n"
        )
        with pytest.raises(RuleViolation) as refused:
            world.worker(p.RENDA).import_deputies({"area_code": "150622", "csv": csv})
        lines = [row["line"] for row in refused.value.details["rows"]]
        assert lines == [3, 4]
        listed = world.worker(p.RENDA).list_deputies({"area_code": "150622"})
        assert "sun" not in {d["username"] for d in listed["items"]}

    def test_only_congress_staff_of_the_area_import(self, world):
        body = {"area_code": "150622", "csv": p.DEPUTIES_CSV}
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).import_deputies(body)
        with pytest.raises(Forbidden):
            world.worker(p.WANG).import_deputies(body)

    def test_lists_cover_the_area_and_below(self, world):
        names = lambda area: {d["name"] for d in world.worker(p.RENDA).list_deputies(  # noqa: E731
            {"area_code": area})["items"]}  # fmt: skip
        assert names("150622") == {"王建国", "赵桂兰", "李明"}
        assert names("150622100") == {"王建国", "赵桂兰"}
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).list_deputies({"area_code": "150622"})


class TestStations:
    def test_a_station_has_its_schedule_and_its_own_code(self, world):
        wang, zhao = world.deputies["wang"]["id"], world.deputies["zhao"]["id"]
        body = {
            **p.STATION,
            "duty": [{"weekday": 1, "deputy_id": wang}, {"weekday": 6, "deputy_id": zhao}],
        }
        station = world.worker(p.TOWN_RENDA).put_station(world.station["id"], body)
        assert [(d["weekday_name"], d["deputy_name"]) for d in station["duty"]] == [
            ("周一", "王建国"),
            ("周六", "赵桂兰"),
        ]
        assert station["public_code"].startswith("T")
        assert station["public_code"] not in {d["public_code"] for d in world.deputies.values()}

    def test_a_deputy_of_another_area_cannot_be_on_duty(self, world):
        with pytest.raises(ValidationFailed) as refused:
            world.worker(p.TOWN_RENDA).put_station(
                world.station["id"], {**p.STATION, "duty": [{"weekday": 2, "deputy_id": "nobody"}]}
            )
        assert "duty" in refused.value.details

    def test_the_same_name_twice_in_an_area_is_a_conflict(self, world):
        from servicekit.errors import Conflict

        with pytest.raises(Conflict):
            world.worker(p.TOWN_RENDA).create_station(p.STATION)


class TestResidentPage:
    def test_a_deputys_code_opens_the_deputy_with_the_station_and_no_account(self, world):
        page = world.worker().get_public_code(world.code_of("wang").lower())
        assert page["active"] is True and page["message"] is None
        holder = page["holder"]
        assert holder["deputy"]["name"] == "王建国"
        assert holder["deputy"]["station"]["address"] == p.STATION["address"]
        assert holder["area_code"] == "150622100"
        assert "wang" not in str(page)  # the account is not public

    def test_a_phone_shows_only_with_the_phone_policy(self, world):
        li = world.worker().get_public_code(world.code_of("li"))["holder"]["deputy"]
        zhao = world.worker().get_public_code(world.code_of("zhao"))["holder"]["deputy"]
        assert li["public_phone"] == "0477-4212345" and "0477-4212345" in li["contact"]
        assert zhao["public_phone"] is None and "在线" in zhao["contact"]

    def test_an_unknown_code_is_not_found(self, world):
        with pytest.raises(NotFound):
            world.worker().get_public_code("T0000000")


class TestQrCodes:
    def test_the_png_decodes_to_the_url_whose_code_leads_back_to_the_deputy(self, world):
        deputy_id = world.deputies["wang"]["id"]
        file = world.worker(p.WANG).get_deputy_qr(deputy_id, "png")
        assert file["content_type"] == "image/png"
        url = decode_png(base64.b64decode(file["content_base64"]))
        assert url == f"https://minsheng.example.cn/d/{world.code_of('wang')}"
        code = url.rsplit("/d/", 1)[1]
        assert world.worker().get_public_code(code)["holder"]["deputy"]["name"] == "王建国"

    def test_the_svg_is_well_formed_with_a_title(self, world):
        file = world.worker(p.RENDA).get_deputy_qr(world.deputies["li"]["id"], "svg")
        root = ET.fromstring(base64.b64decode(file["content_base64"]))
        assert root.tag == f"{SVG}svg" and "李明" in root.find(f"{SVG}title").text

    def test_a_stations_qr_opens_the_station(self, world):
        file = world.worker(p.TOWN_RENDA).get_station_qr(world.station["id"], "png")
        code = decode_png(base64.b64decode(file["content_base64"])).rsplit("/", 1)[1]
        page = world.worker().get_public_code(code)
        assert page["holder"]["kind"] == "station"
        assert page["holder"]["station"]["name"] == p.STATION["name"]

    def test_the_poster_names_the_deputy_the_station_and_spells_the_code(self, world):
        file = world.worker(p.WANG).get_deputy_poster(world.deputies["wang"]["id"])
        svg = base64.b64decode(file["content_base64"]).decode()
        root = ET.fromstring(svg)
        texts = [t.text for t in root.iter(f"{SVG}text")]
        code = world.code_of("wang")
        assert "王建国" in texts and "照片" in texts and p.STATION["name"] in texts
        assert f"代表码 {code[:4]} {code[4:]}" in texts
        assert root.get("viewBox") == "0 0 210 297"  # A4, in millimetres
        assert file["file_name"].endswith(".svg")

    def test_an_unknown_image_kind_is_not_found(self, world):
        with pytest.raises(NotFound):
            world.worker(p.RENDA).get_deputy_qr(world.deputies["wang"]["id"], "gif")


class TestReplacingACode:
    def test_the_old_code_says_so_and_shows_the_new_one(self, world):
        wang = world.deputies["wang"]
        replaced = world.worker(p.RENDA).replace_deputy_code(wang["id"], {"reason": "海报被损毁"})
        assert replaced["revoked_code"] == wang["public_code"]
        old = world.worker().get_public_code(wang["public_code"])
        assert old["active"] is False and "此码已停用" in old["message"]
        assert old["holder"]["code"] == replaced["public_code"] != wang["public_code"]
        assert old["holder"]["deputy"]["name"] == "王建国"

    def test_a_successor_takes_the_old_code_over(self, world):
        wang, zhao = world.deputies["wang"], world.deputies["zhao"]
        world.worker(p.RENDA).replace_deputy_code(
            wang["id"], {"reason": "代表任期届满", "successor_deputy_id": zhao["id"]}
        )
        old = world.worker().get_public_code(wang["public_code"])
        assert old["holder"]["deputy"]["name"] == "赵桂兰"
        assert old["holder"]["code"] == zhao["public_code"]

    def test_a_matter_through_a_revoked_code_is_refused_with_the_new_code(self, world):
        wang = world.deputies["wang"]
        new = world.worker(p.RENDA).replace_deputy_code(wang["id"], {"reason": "更换"})
        with pytest.raises(RuleViolation) as refused:
            world.submit("wang")
        assert refused.value.details["replaced_by"] == new["public_code"]

    def test_only_congress_staff_of_the_area_replace_codes(self, world):
        with pytest.raises(Forbidden):
            world.worker(p.OTHER_RENDA).replace_deputy_code(
                world.deputies["wang"]["id"], {"reason": "x"}
            )


def test_an_accounts_level_cannot_change_and_nothing_is_imported(world):
    csv = "姓名,层级,地区代码,账号\n新代表,苏木乡镇,150622100,xin\n王建国,旗区,150622,wang\n"
    with pytest.raises(RuleViolation) as refused:
        world.worker(p.RENDA).import_deputies({"area_code": "150622", "csv": csv})
    assert [row["line"] for row in refused.value.details["rows"]] == [3]
    listed = world.worker(p.RENDA).list_deputies({"area_code": "150622"})["items"]
    assert "xin" not in {d["username"] for d in listed}
