"""The hash-chained audit log and canonical JSON: each single mutation is detected and named."""

import hashlib
import json

import pytest
from voting.domain.audit import GENESIS, Entry, append, head, next_entry, verify_chain
from voting.domain.canonical import canonical_json


def chain(n: int = 8) -> list[dict]:
    entries: list[Entry] = []
    append(entries, "session_opened", {"session": "s-1", "candidates": ["P1", "P2", "P3"]})
    for i in range(2, n + 1):
        append(entries, "ballots_received", {"count": i})
    return [e.as_dict() for e in entries]


def rehash(entry: dict) -> dict:
    body = canonical_json({"seq": entry["seq"], "kind": entry["kind"], "data": entry["data"]})
    return {**entry, "hash": hashlib.sha256(entry["prev"].encode() + body).hexdigest()}


class TestCanonicalJson:
    def test_sorted_compact_utf8(self):
        assert canonical_json({"b": 1, "a": ["人大", None, True]}) == (
            '{"a":["人大",null,true],"b":1}'.encode()
        )

    @pytest.mark.parametrize("value", [1.0, {"a": [0.5]}, float("nan"), [{"x": float("inf")}]])
    def test_floats_are_refused(self, value):
        with pytest.raises(ValueError, match="floats"):
            canonical_json(value)

    @pytest.mark.parametrize("value", [{1: "a"}, {"a": {2: "b"}}, {"a": object()}, {"a": {1, 2}}])
    def test_non_json_values_and_keys_are_refused(self, value):
        with pytest.raises(TypeError):
            canonical_json(value)

    def test_same_as_json_dumps_for_plain_values(self):
        value = {"z": [{"y": "中", "x": -3}], "a": {"k": False}}
        expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert canonical_json(value) == expected.encode()


class TestAppend:
    def test_entries_link_from_genesis(self):
        entries: list[Entry] = []
        first = append(entries, "opened", {"n": 1})
        second = append(entries, "closed", {"n": 2})
        assert (first.seq, first.prev) == (1, GENESIS)
        assert (second.seq, second.prev) == (2, first.hash)
        assert head(entries) == second.hash
        assert head([]) == GENESIS

    def test_hash_is_sha256_of_prev_then_canonical_body(self):
        entry = next_entry([], "opened", {"人数": 3})
        body = b'{"data":{"\xe4\xba\xba\xe6\x95\xb0":3},"kind":"opened","seq":1}'
        assert entry.hash == hashlib.sha256(GENESIS.encode() + body).hexdigest()

    def test_next_entry_leaves_the_list_alone(self):
        entries = chain(3)
        entry = next_entry(entries, "tallied", {})
        assert len(entries) == 3 and entry.seq == 4 and entry.prev == head(entries)

    def test_honest_chain_verifies_with_and_without_head(self):
        entries = chain()
        assert verify_chain(entries) == []
        assert verify_chain(entries, head=head(entries)) == []
        assert verify_chain([], head=GENESIS) == []

    def test_entry_objects_verify_too(self):
        entries: list[Entry] = []
        append(entries, "opened", {})
        assert verify_chain(entries, head=entries[-1].hash) == []


class TestEachMutationIsNamed:
    def test_changed_data(self):
        entries = chain()
        entries[6]["data"] = {"count": 999}
        assert verify_chain(entries, head(entries)) == [
            "第 7 条记录内容被修改 (entry 7 changed: its hash does not match its content)"
        ]

    def test_changed_and_rehashed(self):
        entries = chain()
        entries[3] = rehash({**entries[3], "data": {"count": 0}})
        problems = verify_chain(entries, head(entries))
        assert problems == [
            "第 4 条被修改并重算了哈希 "
            "(entry 4 changed and re-hashed: entry 5 no longer links to it)"
        ]

    def test_changed_hash_field_only(self):
        entries = chain()
        entries[2]["hash"] = "f" * 64
        problems = verify_chain(entries, head(entries))
        assert problems == [
            "第 3 条记录内容被修改 (entry 3 changed: its hash does not match its content)"
        ]

    def test_removed(self):
        entries = chain()
        del entries[4]
        assert verify_chain(entries, head(chain())) == ["缺少第 5 条 (entry 5 missing)"]

    def test_removed_run(self):
        entries = chain()
        del entries[2:5]
        assert verify_chain(entries, head(entries)) == ["缺少第 3–5 条 (entries 3–5 missing)"]

    def test_removed_first(self):
        entries = chain()
        del entries[0]
        assert verify_chain(entries, head(entries)) == ["缺少第 1 条 (entry 1 missing)"]

    def test_removed_last_shows_at_the_head(self):
        entries = chain()
        announced = head(entries)
        del entries[-1]
        [problem] = verify_chain(entries, announced)
        assert problem.startswith("链头不符") and "ends at entry 7" in problem

    def test_added_in_the_middle(self):
        entries = chain()
        extra = next_entry(entries[:3], "ballots_received", {"count": 100}).as_dict()
        entries.insert(3, extra)
        assert verify_chain(entries, head(entries)) == [
            "第 4 个位置多出一条第 4 条记录 (entry added at position 4: "
            "a second entry 4 that the chain does not link)"
        ]

    def test_duplicated_entry(self):
        entries = chain()
        entries.append(dict(entries[2]))
        [problem] = verify_chain(entries, head(chain()))
        assert "entry 3 appears 2 times, at positions 3, 9" in problem

    def test_appended_after_the_head(self):
        entries = chain()
        announced = head(entries)
        entries.append(next_entry(entries, "ballots_received", {"count": 9}).as_dict())
        assert verify_chain(entries, announced) == [
            "第 9 条是在公布的链头之后追加的 (entry 9 appended after the announced head, entry 8)"
        ]
        assert verify_chain(entries) == []  # without the head, a valid extension is invisible

    def test_swapped_neighbours(self):
        entries = chain()
        entries[4], entries[5] = entries[5], entries[4]
        problems = verify_chain(entries, head(entries[:4] + entries[5:]))
        assert len(problems) == 1 and "out of order" in problems[0]
        assert problems[0] in {
            "第 6 条顺序错误 (entry 6 out of order: placed before entry 5)",
            "第 5 条顺序错误 (entry 5 out of order: placed after entry 6)",
        }

    def test_swapped_apart(self):
        entries = chain()
        announced = head(entries)
        entries[2], entries[6] = entries[6], entries[2]
        assert verify_chain(entries, announced) == [
            "第 7 条顺序错误 (entry 7 out of order: placed before entry 4)",
            "第 3 条顺序错误 (entry 3 out of order: placed after entry 6)",
        ]

    def test_moved_entry_is_reported_once(self):
        entries = chain()
        announced = head(entries)
        entries.append(entries.pop(1))
        assert verify_chain(entries, announced) == [
            "第 2 条顺序错误 (entry 2 out of order: placed after entry 8)"
        ]

    def test_changed_head(self):
        entries = chain()
        [problem] = verify_chain(entries, "a" * 64)
        assert problem.startswith("链头不符") and "announced head is aaaaaaaaaaaa" in problem

    def test_head_naming_an_earlier_entry(self):
        entries = chain()
        problems = verify_chain(entries, entries[5]["hash"])
        assert problems == [
            "第 7 条是在公布的链头之后追加的 (entry 7 appended after the announced head, entry 6)",
            "第 8 条是在公布的链头之后追加的 (entry 8 appended after the announced head, entry 6)",
        ]

    def test_first_entry_rehashed_off_genesis(self):
        entries = chain()
        entries[0] = rehash({**entries[0], "prev": "1" * 64})
        problems = verify_chain(entries, head(entries))
        assert (
            "entry 1 changed and re-hashed: it no longer starts from the genesis hash"
            in (problems[0])
        )

    @pytest.mark.parametrize(
        "mutate, why",
        [
            (lambda e: e.update(extra="deputy-7"), "fields"),
            (lambda e: e.pop("kind"), "fields"),
            (lambda e: e.update(prev="xyz"), "64 lowercase hex"),
            (lambda e: e.update(kind=5), "kind is not a string"),
            (lambda e: e.update(data={"ratio": 0.5}), "floats"),
        ],
    )
    def test_malformed_entry(self, mutate, why):
        entries = chain()
        mutate(entries[2])
        problems = verify_chain(entries, head(entries))
        assert problems and problems[0].startswith("第 3 个位置的记录格式错误")
        assert why in problems[0]

    def test_entry_without_a_seq(self):
        entries = chain()
        entries[2]["seq"] = "3"
        problems = verify_chain(entries, head(entries))
        assert "entry at position 3 malformed" in problems[0]
        assert "缺少第 3 条 (entry 3 missing)" in problems
