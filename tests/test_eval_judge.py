"""The LLM judge end to end: the real langchain-openai client against the local fake server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evals.dataset import EvalItem
from evals.judge import SCORES, make_judge
from tests.fake_llm import FakeLLM


def _item() -> EvalItem:
    return EvalItem(
        id="t1",
        question="2025年黄埔区高新技术企业目标是多少家？",
        answer="2600家",
        must_contain=("2600",),
        sources=("003_d7285df370a477b8.txt",),
        evidences=("高新技术企业数量(家)",),
        type="table",
        difficulty="easy",
        paraphrased=False,
    )


def _answer() -> SimpleNamespace:
    passage = SimpleNamespace(text="高新技术企业数量(家): 2020年完成值 2109; 2025年目标值 2600")
    return SimpleNamespace(
        text="到2025年目标为2600家[1]。", citations=[SimpleNamespace(passage=passage)]
    )


def test_judge_sends_question_answer_and_sources_and_reads_scores(fake_llm: FakeLLM) -> None:
    fake_llm.reset()
    fake_llm.replies.append('评分如下：{"faithfulness": 0.9, "answer_relevance": 1.4}')
    judge = make_judge("judge-model", fake_llm.base_url, "sk-judge")
    scores = judge(_item(), _answer())
    assert set(scores) == set(SCORES)
    assert scores["faithfulness"] == pytest.approx(0.9)
    assert max(scores.values()) <= 1.0  # out-of-range scores are clamped
    prompt = str(fake_llm.requests[-1]["messages"])
    assert "2025年黄埔区高新技术企业目标是多少家" in prompt
    assert "2025年目标值 2600" in prompt and "到2025年目标为2600家" in prompt


def test_judge_reply_without_scores_gives_no_scores(fake_llm: FakeLLM) -> None:
    fake_llm.reset()
    fake_llm.replies.append("我无法评分。")
    assert make_judge("judge-model", fake_llm.base_url, "sk-judge")(_item(), _answer()) == {}
