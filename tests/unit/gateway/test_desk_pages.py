"""The desk's and the board's pure helpers: the next step per state, rows by rank, the
chart's coordinates (no inline style: everything is an attribute computed here)."""

from gateway.pages.views import board, desk


def session(state: str, present: int = 30, quorum: int = 21) -> dict:
    return {"state": state, "kind": "congress_session", "present": present, "quorum_needed": quorum}


class TestDeskFacts:
    def test_each_state_offers_its_next_step_and_the_count_stays_live_until_the_vote_ends(self):
        offered = {s: desk.session_facts(session(s))["next_step"] for s in desk.STATE_NAMES}
        assert offered["deliberation"][0] == "open" and offered["open"][0] == "close"
        assert offered["tallied"][0] == "announce" and offered["published"] is None
        live = [s for s in desk.STATE_NAMES if desk.session_facts(session(s))["live"]]
        assert live == ["draft", "deliberation", "open"]

    def test_the_quorum_is_met_at_the_number_needed(self):
        assert desk.session_facts(session("open", 21, 21))["quorum_met"] is True
        assert desk.session_facts(session("open", 20, 21))["quorum_met"] is False

    def test_rows_come_by_rank_with_unranked_last_in_ballot_order(self):
        rows = [{"id": "a", "rank": None}, {"id": "b", "rank": 2}, {"id": "c", "rank": 1}]
        assert [r["id"] for r in desk.by_rank(rows)] == ["c", "b", "a"]


class TestBoardChart:
    def item(self, actual: str, planned: str | None, standing: str | None) -> dict:
        return {
            "title": "一个很长很长的民生实事项目名称",
            "actual_percent": actual,
            "planned_percent": planned,
            "standing": standing,
        }

    def test_bars_scale_to_the_bar_width_and_the_plan_is_a_tick(self):
        drawn = board.chart([self.item("50.0", "75.0", "lagging"), self.item("100", None, None)])
        first, second = drawn["rows"]
        assert first["width"] == board.BAR_WIDTH / 2 and first["fill"] == "#b3261e"
        assert first["plan_x"] == board.LABEL_WIDTH + 0.75 * board.BAR_WIDTH
        assert second["plan_x"] is None and second["width"] == board.BAR_WIDTH
        assert second["y"] - first["y"] == board.ROW_HEIGHT
        assert first["label"].endswith("…") and len(first["label"]) == 9

    def test_out_of_range_percentages_are_clamped(self):
        (row,) = board.chart([self.item("130", "-5", "ahead")])["rows"]
        assert row["width"] == board.BAR_WIDTH and row["plan_x"] == board.LABEL_WIDTH
