"""Profile -> ranked support measures, each with why it matched, grouped by support type.

A measure qualifies when it applies where the enterprise is (a city measure applies in
each of its districts), offers a needed kind of support when needs are given, and names one
of the enterprise's types or industries (or, when needs are given, names no beneficiary at
all: such support is open to any enterprise). Qualifying measures are ranked by how many
tags they share with the profile plus the embedding similarity of their text to the
profile's description; measure vectors go through the store's embedding cache, so each
text is embedded once, and only the few candidates a profile leaves are embedded at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from ingest.measures import FACETS, vocabulary
from ingest.scopes import scope_table
from vectorstore.measures import MeasureStore, SourcedMeasure

TOP_K = 10
# Weights of shared tags; similarity (0..1) breaks ties among equally tagged measures.
TAG_WEIGHTS = {"beneficiaries": 2.0, "industries": 2.0, "support_types": 1.5}
SPECIFIC_BONUS = 0.5
FACET_LABELS = {"beneficiaries": "适用对象", "industries": "产业领域", "support_types": "支持方式"}
OTHER_SUPPORT = "其他支持"


@dataclass(frozen=True)
class Profile:
    """An enterprise: where it is, its industries and types, its stage and needs."""

    region: str = ""
    industries: tuple[str, ...] = ()
    beneficiaries: tuple[str, ...] = ()
    stage: str = ""
    needs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The profile as the CLI's and the API's JSON show it."""
        return {
            "region": self.region,
            "industries": list(self.industries),
            "beneficiaries": list(self.beneficiaries),
            "stage": self.stage,
            "needs": list(self.needs),
        }

    def support_types(self) -> tuple[str, ...]:
        """Needs in the enterprise's words (融资) as support types (信贷…, 基金…)."""
        vocab = vocabulary().needs
        return tuple(dict.fromkeys(t for need in self.needs for t in vocab.get(need, (need,))))

    def types(self) -> tuple[str, ...]:
        stage = vocabulary().stages.get(self.stage, "")
        return tuple(dict.fromkeys((*self.beneficiaries, *([stage] if stage else []))))

    def label(self) -> str:
        """「黄埔区 · 生物医药 · 高新技术企业 · 需求：融资」, what a reader sees of it."""
        parts = [self.region, *self.industries, *self.types()]
        needs = [f"需求：{'、'.join(self.needs)}"] if self.needs else []
        return " · ".join([p for p in parts if p] + needs) or "所有企业"

    def describe(self) -> str:
        """The profile as a sentence to embed: 「黄埔区生物医药高新技术企业融资的扶持措施」."""
        parts = [self.region, *self.industries, *self.types(), *self.needs]
        return "".join(parts) + "的扶持措施"


@dataclass(frozen=True)
class Match:
    """One ranked measure and why it matched."""

    sourced: SourcedMeasure
    score: float
    similarity: float
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def why(self) -> str:
        """「适用对象：高新技术企业；支持方式：信贷/风险补偿/担保」"""
        parts = [f"{FACET_LABELS[f]}：{'、'.join(tags)}" for f, tags in self.shared.items() if tags]
        return "；".join(parts) or "与企业画像语义相近"

    @property
    def group(self) -> str:
        """The support type it is listed under: the first one the profile asked for, else
        its first one."""
        types = self.shared.get("support_types") or self.sourced.measure.support_types
        return types[0] if types else OTHER_SUPPORT


def applicable_levels(region: str) -> set[str] | None:
    """The issuing levels whose measures apply in `region`; None = every level.

    A named place applies with all its parents (黄埔区 -> 广州市 -> 广东省 -> 全国); a place
    the scope table does not know is taken as a district of the city the corpus covers.
    """
    region = region.strip()
    if not region:
        return None
    table = scope_table()
    named = next((name for alias, name in table.aliases if alias in region), "")
    if not named:
        city = next(name for name, level in table.level_of.items() if level == "city")
        named = city
    levels = set()
    while named:
        levels.add(named)
        named = table.parent_of.get(named, "")
    return levels


class MeasureFinder:
    """Matches profiles against the catalogue of one data dir."""

    def __init__(self, store: MeasureStore, embeddings: Embeddings | None = None) -> None:
        self.store = store
        self.embeddings = embeddings

    def find(self, profile: Profile, limit: int = TOP_K) -> list[Match]:
        """The best `limit` measures for `profile`, best first."""
        candidates = [s for s in self.store.all() if _qualifies(s, profile)]
        similarities = self._similarities(profile, candidates)
        matches = [
            _match(sourced, profile, similarity)
            for sourced, similarity in zip(candidates, similarities, strict=True)
        ]
        matches.sort(key=lambda m: (-m.score, m.sourced.measure.doc_id, m.sourced.measure.start))
        return matches[:limit]

    def _similarities(self, profile: Profile, candidates: Sequence[SourcedMeasure]) -> list[float]:
        if self.embeddings is None or not candidates:
            return [0.0] * len(candidates)
        query = self.embeddings.embed_query(profile.describe())
        vectors = self.embeddings.embed_documents([s.measure.text for s in candidates])
        return [_cosine(query, vector) for vector in vectors]


def _qualifies(sourced: SourcedMeasure, profile: Profile) -> bool:
    measure = sourced.measure
    levels = applicable_levels(profile.region)
    if levels is not None and measure.level and measure.level not in levels:
        return False
    wanted_types = profile.support_types()
    if wanted_types and not set(wanted_types) & set(measure.support_types):
        return False
    who = set(profile.types()) | set(profile.industries)
    if not who or who & (set(measure.beneficiaries) | set(measure.industries)):
        return True
    # Support of a needed kind that names no beneficiary is open to any enterprise.
    return bool(wanted_types) and not measure.beneficiaries


def _match(sourced: SourcedMeasure, profile: Profile, similarity: float) -> Match:
    wanted = {
        "beneficiaries": set(profile.types()),
        "industries": set(profile.industries),
        "support_types": set(profile.support_types()),
    }
    shared = {
        facet: tuple(t for t in sourced.measure.tags(facet) if t in wanted[facet])
        for facet in FACETS
    }
    # A measure that says how it supports (a support type) is more use than one that does not.
    specific = SPECIFIC_BONUS if sourced.measure.support_types else 0.0
    score = sum(TAG_WEIGHTS[f] * len(tags) for f, tags in shared.items()) + specific + similarity
    return Match(sourced, score, similarity, shared)


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def grouped(matches: Sequence[Match]) -> dict[str, list[Match]]:
    """Matches by support type (a measure's first type), groups in order of best match."""
    groups: dict[str, list[Match]] = {}
    for match in matches:
        groups.setdefault(match.group, []).append(match)
    return groups
