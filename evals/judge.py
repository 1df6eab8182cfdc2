"""Optional LLM-as-judge metrics (faithfulness, answer relevance), RAGAS-style but small.

Only used when an LLM is configured; the judge is the same OpenAI-compatible model the
assistant uses, asked with a short Chinese rubric to reply in JSON. A reply that cannot
be parsed yields no scores rather than a made-up zero.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from evals.dataset import EvalItem

SCORES = ("faithfulness", "answer_relevance")
RUBRIC = """你是严格的评审。请根据【资料】评价【回答】，给出 0 到 1 的分数：
- faithfulness：回答中的每个事实、数字是否都能在资料中找到依据（全部有依据为 1）；
- answer_relevance：回答是否直接、完整地回应了【问题】（完全回应为 1）。
只输出 JSON，例如 {"faithfulness": 0.9, "answer_relevance": 1.0}，不要输出其他内容。"""
_JSON_OBJECT = re.compile(r"\{.*?\}", re.DOTALL)
#: Context given to the judge per cited passage; enough to check a claim, cheap to send.
CONTEXT_CHARS = 600

Judge = Callable[[EvalItem, Any], dict[str, float]]


def parse_scores(reply: str) -> dict[str, float]:
    """The known scores from the first JSON object in ``reply``, clamped to 0–1."""
    match = _JSON_OBJECT.search(reply)
    if not match:
        return {}
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return {}
    scores: dict[str, float] = {}
    for name in SCORES:
        value = data.get(name)
        if isinstance(value, int | float):
            scores[name] = min(1.0, max(0.0, float(value)))
    return scores


def judge_prompt(question: str, answer: str, contexts: Sequence[str]) -> str:
    sources = "\n".join(f"[{n}] {text[:CONTEXT_CHARS]}" for n, text in enumerate(contexts, 1))
    return f"{RUBRIC}\n\n【问题】{question}\n\n【资料】\n{sources}\n\n【回答】{answer}"


def make_judge(model: str, base_url: str | None, api_key: str | None) -> Judge:
    """A judge bound to the assistant's own LLM settings, at temperature 0 for repeatability."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    key = SecretStr(api_key) if api_key else None
    llm = ChatOpenAI(model=model, base_url=base_url or None, api_key=key, temperature=0)

    def judge(item: EvalItem, answer: Any) -> dict[str, float]:
        contexts = [c.passage.text for c in answer.citations]
        reply = llm.invoke(judge_prompt(item.question, answer.text, contexts))
        return parse_scores(str(reply.content))

    return judge
