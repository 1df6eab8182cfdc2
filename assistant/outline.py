"""A heading that is asked about is answered by its children.

「2019年……有哪些重点工作安排」 names a heading (三、2019 年重点工作安排); the answer is
the items (一)–(八) under it, not the bare heading or its opening paragraph. Chunks carry
their section path, so the children of a heading are the distinct next-level sections of
the chunks below it, in document order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.question import Question, compact
from ingest.chunking import Chunk
from vectorstore.search import Passage

# Share of the focus's key-term weight a heading must name to be "the heading asked about".
HEADING_COVERAGE = 0.55
HEADING_OWN_COVERAGE = 0.4
MIN_CHILDREN = 2
MAX_CHILDREN = 12


def heading_children(
    question: Question, passages: Sequence[Passage], by_doc: Mapping[str, list[Chunk]]
) -> list[tuple[Passage, str]]:
    """(passage, child heading as it stands in the passage) for each child of the asked heading."""
    if question.kind not in ("list", "measure") or not question.terms:
        return []
    best: tuple[float, str, Passage] | None = None
    for passage in passages[:5]:
        path = passage.section.split(" > ")
        for depth in range(len(path)):
            heading = " > ".join(path[: depth + 1])
            # The document's title names who speaks (广州市科学技术局); the heading itself
            # must still name much of what is asked (重点工作安排).
            own = _heading_share(question, path[depth])
            share = _heading_share(question, path[depth] + passage.title)
            if (
                own >= HEADING_OWN_COVERAGE
                and share >= HEADING_COVERAGE
                and (best is None or share > best[0])
            ):
                best = (share, heading, passage)
    if best is None:
        return []
    _, heading, passage = best
    children = _children(heading, passage, by_doc.get(passage.doc_id, []))
    if _asks_within(question, heading.split(" > ")[-1] + passage.title, children):
        return []  # 「……布局中作为节点的3个区域」 asks inside one child; its sentences answer
    return children


def _asks_within(question: Question, heading: str, children: list[tuple[Passage, str]]) -> bool:
    """Whether one child heading names a key term the asked heading does not (节点 in
    (三)强化3大科技创新节点协同发展 under 三、构建“123”科技创新空间布局)."""
    text = compact(heading)
    unnamed = [t for t in question.terms if t.match(text) < 1.0]
    return any(t.match(compact(child)) == 1.0 for t in unnamed for _, child in children)


def _heading_share(question: Question, heading: str) -> float:
    text = compact(heading)
    matched = sum(t.weight * t.match(text) for t in question.terms)
    years_named = not question.years or any(str(y) in text for y in question.years)
    return matched / question.total_weight if years_named else 0.0


def _children(heading: str, passage: Passage, chunks: list[Chunk]) -> list[tuple[Passage, str]]:
    prefix = heading + " > "
    found: list[tuple[Passage, str]] = []
    seen: set[str] = set()
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        if not chunk.section.startswith(prefix):
            continue
        child = chunk.section[len(prefix) :].split(" > ")[0]
        if child in seen or child not in chunk.text:
            continue  # a quote must stand verbatim in its passage
        seen.add(child)
        found.append((Passage(chunk, passage.document, 0.0, {}, chunk.text), child))
    return found[:MAX_CHILDREN] if len(found) >= MIN_CHILDREN else []
