"""Chat questions asked from an enterprise's point of view, answered from the catalogue.

「我是黄埔区的生物医药初创企业，有哪些支持？」 is recognised by how it is written: the asker
speaks of itself (我/我们/本企业/我司…), says what it is (an enterprise type, an industry or
a stage from the vocabulary, or just 企业/公司) and asks for support (支持/补贴/政策/申请…).
Its profile is read from the same words, and the answer is the catalogue's grouped, cited
list: only measures, never the heading or statistic a passage search would quote.
"""

from __future__ import annotations

import re
import sqlite3

from assistant.extractive import Extract
from assistant.measures import Match, MeasureFinder, Profile, grouped
from ingest.measures import normalize, tag_text, vocabulary
from ingest.scopes import scope_table
from vectorstore.index import Snapshot
from vectorstore.measures import MeasureStore
from vectorstore.search import HybridSearcher, Passage, SearchFilters, allowed_documents

MAX_ITEMS = 8
_ENTERPRISE = re.compile(r"企业|公司|单位|机构")
# An open request for a list of support: 「有哪些支持」「能申请哪些科技金融支持」「有什么政策」.
_OPEN_ASK = re.compile(
    r"(?:哪些|什么|啥)[^，,。？?]{0,6}(?:{asks})|(?:{asks})(?:有哪些|是什么|有什么)"
)
# A question after one figure (多少、几家) or a yes/no (吗) wants a passage, not a list.
_SPECIFIC_ASK = re.compile(r"多少|几[场家个项次年位]|[吗么][？?]?$")


def _open_ask() -> re.Pattern[str]:
    asks = "|".join(map(re.escape, vocabulary().support_asks))
    return re.compile(_OPEN_ASK.pattern.replace("{asks}", asks))


def profile_question(question: str) -> Profile | None:
    """The asker's profile when it asks, about itself, which support it can get; else None.

    Asked about one document (「规划对拟上市企业有什么支持？」), one figure or yes/no, the
    question is left to the passage answer.
    """
    plain = normalize(question)
    vocab = vocabulary()
    if not any(word in plain for word in vocab.first_person):
        return None
    if not _open_ask().search(plain) or _SPECIFIC_ASK.search(plain):
        return None
    if any(word in plain for word in vocab.document_words):
        return None
    beneficiaries = tag_text(plain, "beneficiaries")
    industries = tag_text(plain, "industries")
    stage = next((s for s in vocab.stages if s in plain), "")
    if not (beneficiaries or industries or stage or _ENTERPRISE.search(plain)):
        return None
    needs = tuple(n for n in sorted(vocab.needs, key=len, reverse=True) if n in plain)
    return Profile(
        region=_region(plain),
        industries=industries,
        beneficiaries=beneficiaries,
        stage=stage,
        needs=needs[:1],
    )


def _region(plain: str) -> str:
    """The district the asker names (a scope alias or one of the vocabulary's regions)."""
    named = [alias for alias, _ in scope_table().aliases] + list(vocabulary().regions)
    return next((name for name in named if name in plain), "")


def measure_answer(
    question: str, searcher: HybridSearcher, snapshot: Snapshot, filters: SearchFilters | None
) -> Extract | None:
    """A grouped, cited list of measures for a profile question; None for any other
    question, or when the catalogue has nothing to cite for it."""
    profile = profile_question(question)
    if profile is None:
        return None
    try:
        store = MeasureStore.in_dir(searcher.index.store.settings.data_dir)
        matches = MeasureFinder(store, searcher.embeddings).find(profile, limit=MAX_ITEMS * 2)
    except (sqlite3.Error, OSError):
        return None  # no catalogue (a read-only data dir built before it): answer as usual
    allowed = allowed_documents(snapshot, filters or SearchFilters())
    cited = [
        (match, passage)
        for match in matches
        if match.sourced.measure.doc_id in allowed
        and (passage := _passage(match, snapshot)) is not None
    ][:MAX_ITEMS]
    return render(profile, cited) if cited else None


def _passage(match: Match, snapshot: Snapshot) -> Passage | None:
    """The indexed chunk that holds the measure's words, as a citable passage."""
    measure = match.sourced.measure
    document = snapshot.documents.get(measure.doc_id)
    if document is None:
        return None
    first = snapshot.chunks.get(measure.chunk_id)
    chunks = [first] if first else []
    chunks += snapshot.by_doc.get(measure.doc_id, [])
    chunk = next((c for c in chunks if c is not None and measure.text in c.text), None)
    return Passage(chunk, document, 0.0, {}, chunk.text) if chunk else None


def render(profile: Profile, cited: list[tuple[Match, Passage]]) -> Extract:
    """「…可关注以下扶持措施」, a heading per support type, one cited measure per line."""
    who = profile.label()
    lines = [
        f"根据已收录文档中的扶持措施，与「{who}」相关的有 {len(cited)} 条（按支持方式分组）：",
        "",
    ]
    passages = {id(match): passage for match, passage in cited}
    quotes: list[tuple[Passage, str]] = []
    for group, members in grouped([match for match, _ in cited]).items():
        lines.append(f"**{group}**")
        for match in members:
            quotes.append((passages[id(match)], match.sourced.measure.text))
            lines.append(f"- {match.sourced.measure.text}[{len(quotes)}]（{match.why}）")
        lines.append("")
    titles = dict.fromkeys(f"《{p.title}》（{p.date}）" for p, _ in quotes)
    lines.append("来源：" + "；".join(titles))
    return Extract("\n".join(lines), tuple(quotes), False, ())
