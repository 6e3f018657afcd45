"""How alike two proposals are (possible duplicates), pure: standard library only.

Chinese has no spaces between words, so text is compared by character bigrams ("shingles") of
its normalised form: NFKC (full-width ＡＢＣ１２ become ABC12), lower case, punctuation and white
space removed. Two proposals score the weighted Jaccard similarity of their title bigrams and
of their description bigrams, plus a bonus when both give coordinates within ~300 m of each
other. Each proposal stores a short signature of bigrams; the signatures of an area's proposals
pick the ~50 that share most with the query, and only those are scored in full.
"""

import heapq
import math
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

TITLE_WEIGHT = 0.6  # titles are short and say what is asked for: they weigh most
DESCRIPTION_WEIGHT = 0.4
NEARBY_METRES = 300.0
NEARBY_BONUS = 0.15
# Proposals of one street share its name: the bonus strengthens a textual likeness but never
# creates one, so it needs this much text score first.
BONUS_FLOOR = 0.2
MIN_SCORE = 0.3  # below this a suggestion is noise (two unrelated proposals of a street ~0.15)
MAX_SUGGESTIONS = 10
# A proposal's signature: its title's bigrams first, then its description's, this many at most.
# Candidates are found by comparing signatures across an area's proposals of the year, so the
# signature is kept short (10,000 of them are compared per suggestion).
MAX_SIGNATURE_SHINGLES = 24
CANDIDATES = 50  # proposals scored in full per suggestion: the ones sharing most bigrams
MAX_SCORED_CHARS = 2000  # of a description: long texts cost time, not accuracy
EARTH_RADIUS_M = 6_371_000.0


def normalize(text: str) -> str:
    """NFKC, lower case, only letters and digits (every punctuation and space removed)."""
    return "".join(_letters(text))


def _letters(text: str) -> Iterator[str]:
    folded = unicodedata.normalize("NFKC", text).lower()
    return (ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def _bigram_stream(text: str) -> Iterator[str]:
    """The normalised text's character bigrams in order, lazily; a one-character text yields
    itself, so a very short title still matches itself."""
    letters = _letters(text)
    previous = next(letters, None)
    if previous is None:
        return
    alone = True
    for ch in letters:
        alone = False
        yield previous + ch
        previous = ch
    if alone:
        yield previous


def bigrams(text: str) -> list[str]:
    """The normalised text's character bigrams in order of first appearance."""
    return list(dict.fromkeys(_bigram_stream(text)))


def index_shingles(title: str, description: str) -> list[str]:
    """A proposal's signature bigrams: its title's, then its description's, without repeats,
    at most MAX_SIGNATURE_SHINGLES. The description is read only as far as needed: at intake
    this ran over every character of a long text to keep its first few bigrams."""
    merged = dict.fromkeys(bigrams(title))
    for shingle in _bigram_stream(description[: MAX_SCORED_CHARS * 2]):
        if len(merged) >= MAX_SIGNATURE_SHINGLES:
            break
        merged.setdefault(shingle)
    return list(merged)[:MAX_SIGNATURE_SHINGLES]


def signature(title: str, description: str) -> str:
    """The stored form of the signature (bigrams hold no spaces: normalize() removed them)."""
    return " ".join(index_shingles(title, description))


def nearest(
    query: frozenset[str], signatures: Iterable[tuple[str, str]], limit: int = CANDIDATES
) -> list[str]:
    """The keys of the `limit` signatures sharing most bigrams with `query` (at least one),
    most first, ties by key so the answer does not depend on row order."""
    shared = ((len(query.intersection(text.split())), key) for key, text in signatures)
    best = heapq.nsmallest(limit, ((-n, key) for n, key in shared if n))
    return [key for _, key in best]


@dataclass(frozen=True)
class Features:
    """A proposal as the similarity sees it."""

    title: frozenset[str]
    description: frozenset[str]
    lat: float | None = None
    lng: float | None = None

    @classmethod
    def of(
        cls, title: str, description: str, lat: float | None = None, lng: float | None = None
    ) -> "Features":
        return cls(
            frozenset(bigrams(title)),
            frozenset(bigrams(description[:MAX_SCORED_CHARS])),
            lat,
            lng,
        )


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def distance_m(a: Features, b: Features) -> float | None:
    """Great-circle (haversine) distance, or None unless both have coordinates."""
    if a.lat is None or a.lng is None or b.lat is None or b.lng is None:
        return None
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlmb = phi2 - phi1, math.radians(b.lng - a.lng)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def score(a: Features, b: Features) -> float:
    """0..1: weighted Jaccard of titles and descriptions, plus the nearby bonus for a text
    score of at least BONUS_FLOOR, capped at 1."""
    text = TITLE_WEIGHT * jaccard(a.title, b.title) + DESCRIPTION_WEIGHT * jaccard(
        a.description, b.description
    )
    metres = distance_m(a, b)
    near = metres is not None and metres <= NEARBY_METRES
    bonus = NEARBY_BONUS if near and text >= BONUS_FLOOR else 0.0
    return min(1.0, text + bonus)


@dataclass(frozen=True)
class Match:
    key: str
    score: float
    distance_m: float | None


def rank(
    query: Features, candidates: dict[str, Features], limit: int = MAX_SUGGESTIONS
) -> list[Match]:
    """The candidates alike enough to suggest, best first (ties by key, so stable)."""
    matches = [
        Match(key, round(score(query, features), 4), distance_m(query, features))
        for key, features in candidates.items()
    ]
    kept = [m for m in matches if m.score >= MIN_SCORE]
    return sorted(kept, key=lambda m: (-m.score, m.key))[:limit]
