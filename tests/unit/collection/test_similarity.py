"""Duplicate similarity: real duplicates score high, unrelated proposals do not, Chinese text is
normalised, and nearby coordinates add a bonus that alone never makes a match."""

import pytest
from collection.domain import similarity as sim

SQUARE = sim.Features.of(
    "林荫街道广场修缮", "广场地砖破损严重，老人晨练容易摔倒，希望尽快修缮。", 39.8170, 109.9900
)


class TestNormalisation:
    def test_full_width_case_punctuation_and_spaces_are_folded(self):
        assert sim.normalize("ＡＢＣ　１２，广场！ Wi-Fi。") == "abc12广场wifi"

    def test_bigrams_keep_first_appearance_order_without_repeats(self):
        assert sim.bigrams("广场，广场") == ["广场", "场广"]
        assert sim.bigrams("路") == ["路"] and sim.bigrams("，。") == []

    def test_index_shingles_put_the_title_first_and_are_capped(self):
        shingles = sim.index_shingles("停车位", "".join(chr(0x4E00 + i) for i in range(500)))
        assert shingles[:2] == ["停车", "车位"]
        assert len(shingles) == sim.MAX_SIGNATURE_SHINGLES


class TestScore:
    def test_a_reworded_duplicate_is_suggested(self):
        again = sim.Features.of("修缮林荫街道的广场", "广场地砖破损，老人晨练易摔倒，请修缮广场。")
        assert sim.score(SQUARE, again) >= sim.MIN_SCORE
        assert [m.key for m in sim.rank(SQUARE, {"again": again})] == ["again"]

    def test_an_unrelated_proposal_of_the_same_street_is_not(self):
        school = sim.Features.of(
            "林荫街道小学增建食堂", "学生午餐无处就餐，希望学校增建食堂。", 39.8171, 109.9901
        )
        assert sim.score(SQUARE, school) < sim.MIN_SCORE
        assert sim.rank(SQUARE, {"school": school}) == []

    def test_identical_text_scores_one(self):
        assert sim.score(SQUARE, SQUARE) == 1.0

    def test_punctuation_and_width_do_not_change_the_score(self):
        noisy = sim.Features.of(
            "林荫街道 广场修缮！", "广场地砖破损严重；老人晨练容易摔倒……希望尽快修缮"
        )
        plain = sim.Features.of("林荫街道广场修缮", "广场地砖破损严重老人晨练容易摔倒希望尽快修缮")
        assert sim.score(noisy, plain) == 1.0


class TestDistance:
    def test_haversine_is_about_right(self):
        a = sim.Features.of("a", "b", 39.8170, 109.9900)
        b = sim.Features.of("a", "b", 39.8197, 109.9900)  # 0.0027° of latitude ≈ 300 m
        assert 290 < sim.distance_m(a, b) < 310
        assert sim.distance_m(a, sim.Features.of("a", "b")) is None

    def test_within_300_m_adds_the_bonus_and_farther_does_not(self):
        text = ("林荫街道广场修缮", "广场地砖破损，希望修缮。")
        here = sim.Features.of(*text, 39.8170, 109.9900)
        near = sim.Features.of("广场修缮", "希望修缮广场", 39.8180, 109.9900)  # ~111 m
        far = sim.Features.of("广场修缮", "希望修缮广场", 39.8300, 109.9900)  # ~1.4 km
        assert sim.score(here, near) - sim.score(here, far) == pytest.approx(sim.NEARBY_BONUS)
        assert sim.rank(here, {"near": near})[0].distance_m < 120

    def test_nearness_alone_never_makes_a_match(self):
        parking = sim.Features.of(
            "林荫街道停车位改造", "小区停车难，希望新增停车位。", 39.8170, 109.9900
        )
        assert sim.score(SQUARE, parking) < sim.BONUS_FLOOR  # the same place, another need


class TestNearest:
    def test_most_shared_bigrams_first_ties_by_key_and_none_without_any(self):
        query = frozenset(sim.index_shingles("林荫街道广场修缮", "地砖破损"))
        signatures = [
            ("b", sim.signature("修缮林荫街道的广场", "")),
            ("a", sim.signature("林荫街道广场修缮", "地砖破损")),
            ("c", sim.signature("修缮林荫街道的广场", "")),
            ("z", sim.signature("小学增建食堂", "学生午餐")),
        ]
        assert sim.nearest(query, signatures) == ["a", "b", "c"]
        assert sim.nearest(query, signatures, limit=1) == ["a"]

    def test_a_signature_round_trips_through_its_stored_form(self):
        text = sim.signature("停车位，不够！", "小区停车难")
        assert text.split() == sim.index_shingles("停车位，不够！", "小区停车难")
        assert " " not in "".join(text.split())


class TestRank:
    def test_best_first_and_at_most_ten(self):
        candidates = {f"p{i:02d}": SQUARE for i in range(15)}
        ranked = sim.rank(SQUARE, candidates)
        assert len(ranked) == sim.MAX_SUGGESTIONS
        assert [m.key for m in ranked] == sorted(candidates)[:10]
