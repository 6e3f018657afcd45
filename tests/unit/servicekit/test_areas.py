"""servicekit.areas: the Ordos area tree and a deployment's replacement file."""

import json

import pytest
from servicekit import areas

BANNERS = {
    "150602": "东胜区",
    "150603": "康巴什区",
    "150621": "达拉特旗",
    "150622": "准格尔旗",
    "150623": "鄂托克前旗",
    "150624": "鄂托克旗",
    "150625": "杭锦旗",
    "150626": "乌审旗",
    "150627": "伊金霍洛旗",
}
CITY = "150600"


@pytest.fixture
def tree():
    return areas.load(str(areas.DEFAULT_AREAS_FILE))


def by_name(tree, name):
    found = [area for area in tree.all() if area.name == name]
    assert len(found) == 1, name
    return found[0]


def write_areas(tmp_path, rows, name="areas.json"):
    path = tmp_path / name
    path.write_text(
        json.dumps({"name": "test", "areas": rows}, ensure_ascii=False), encoding="utf-8"
    )
    return str(path)


class TestShippedOrdosTree:
    def test_default_load_reads_the_shipped_file(self, monkeypatch):
        monkeypatch.delenv("AREAS_FILE", raising=False)
        assert areas.load().get(CITY).name == "鄂尔多斯市"

    def test_the_city_is_the_only_root(self, tree):
        roots = tree.roots()
        assert [area.code for area in roots] == [CITY]
        assert roots[0].level == "city"
        assert roots[0].path == f"/{CITY}/"

    def test_the_nine_banners_have_their_real_codes(self, tree):
        assert {area.code: area.name for area in tree.children(CITY)} == BANNERS

    @pytest.mark.parametrize("code", sorted(BANNERS))
    def test_each_banner_is_banner_level_under_the_city(self, tree, code):
        area = tree.get(code)
        assert area.level == "banner"
        assert area.level_name == "旗区级"
        assert area.parent == CITY
        assert area.path == f"/{CITY}/{code}/"
        assert not area.sample

    @pytest.mark.parametrize(
        ("name", "kind", "banner"),
        [
            ("薛家湾镇", "town", "150622"),
            ("独贵塔拉镇", "town", "150625"),
            ("林荫街道", "street", "150602"),
            ("哈巴格希街道", "street", "150603"),
        ],
    )
    def test_townships_sit_under_their_banner(self, tree, name, kind, banner):
        area = by_name(tree, name)
        assert area.kind == kind
        assert area.level == "township"
        assert area.parent == banner
        assert area.path == f"/{CITY}/{banner}/{area.code}/"
        assert area.code.startswith(banner)
        assert area.sample
        assert area in tree.children(banner)

    def test_every_area_reaches_the_city(self, tree):
        for area in tree.all():
            assert area.path.startswith(f"/{CITY}/"), area
            assert area.path.endswith(f"/{area.code}/")

    def test_as_dict_carries_the_level(self, tree):
        assert tree.get("150622").as_dict() == {
            "code": "150622",
            "name": "准格尔旗",
            "kind": "banner",
            "level": "banner",
            "parent": CITY,
            "sample": False,
        }

    def test_an_unknown_code_is_absent(self, tree):
        assert tree.get("999999") is None
        assert tree.children("999999") == []


class TestWithin:
    def test_an_area_is_within_itself(self, tree):
        assert tree.within("150622", "150622")

    def test_a_township_is_within_its_banner_and_city(self, tree):
        town = by_name(tree, "薛家湾镇").code
        assert tree.within(town, "150622")
        assert tree.within(town, CITY)

    def test_a_sibling_is_not_within(self, tree):
        assert not tree.within("150621", "150622")
        assert not tree.within(by_name(tree, "林荫街道").code, "150622")

    def test_an_ancestor_is_not_within_its_descendant(self, tree):
        assert not tree.within(CITY, "150622")
        assert not tree.within("150622", by_name(tree, "薛家湾镇").code)

    def test_an_unknown_area_is_not_within_anything(self, tree):
        assert not tree.within("150699", CITY)
        assert not tree.within("150622", "150699")

    def test_a_code_prefix_is_not_a_scope(self, tree):
        # "1506" is a prefix of every code but names no area.
        assert not tree.within("150622", "1506")


class TestReplacementFile:
    ROWS = [
        {"code": "150200", "name": "包头市", "kind": "city", "parent": None},
        {"code": "150202", "name": "东河区", "kind": "district", "parent": "150200"},
        {
            "code": "150202001",
            "name": "示例街道",
            "kind": "street",
            "parent": "150202",
            "sample": True,
        },
        {"code": "150222100", "name": "示例苏木", "kind": "sumu", "parent": "150222"},
        {"code": "150222", "name": "固阳县", "kind": "banner", "parent": "150200"},
    ]

    def test_loads_the_given_file_instead_of_ordos(self, tmp_path):
        tree = areas.load(write_areas(tmp_path, self.ROWS))
        assert [area.code for area in tree.roots()] == ["150200"]
        assert tree.get("150602") is None
        assert [area.code for area in tree.children("150200")] == ["150202", "150222"]

    def test_children_listed_before_their_parent_still_get_full_paths(self, tmp_path):
        tree = areas.load(write_areas(tmp_path, self.ROWS))
        sumu = tree.get("150222100")
        assert sumu.path == "/150200/150222/150222100/"
        assert sumu.level == "township"
        assert tree.within("150222100", "150200")

    def test_all_is_ordered_as_a_tree_walk(self, tmp_path):
        tree = areas.load(write_areas(tmp_path, self.ROWS))
        assert [area.code for area in tree.all()] == [
            "150200",
            "150202",
            "150202001",
            "150222",
            "150222100",
        ]

    def test_sample_flag_defaults_to_false(self, tmp_path):
        tree = areas.load(write_areas(tmp_path, self.ROWS))
        assert tree.get("150202001").sample
        assert not tree.get("150222100").sample

    def test_an_unknown_parent_is_rejected(self, tmp_path):
        rows = [
            *self.ROWS,
            {"code": "150299", "name": "孤儿区", "kind": "district", "parent": "159999"},
        ]
        with pytest.raises(ValueError, match=r"150299.*unknown parent 159999"):
            areas.load(write_areas(tmp_path, rows))

    def test_an_unknown_kind_is_rejected(self, tmp_path):
        rows = [
            *self.ROWS,
            {"code": "150203", "name": "某区", "kind": "province", "parent": "150200"},
        ]
        with pytest.raises(ValueError, match=r"150203.*unknown kind province"):
            areas.load(write_areas(tmp_path, rows))
