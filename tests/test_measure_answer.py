"""Enterprise questions in the chat and `policy-qa measures`, over the indexed corpus."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from assistant.answer import Assistant
from assistant.config import AssistantSettings
from assistant.measure_answer import profile_question
from evals.dataset import DATASETS_DIR, load_dataset
from tests.helpers import POLICY_QA
from vectorstore.search import HybridSearcher
from vectorstore.settings import StoreSettings


@pytest.fixture(scope="module")
def assistant(searcher: HybridSearcher) -> Assistant:
    return Assistant(searcher, AssistantSettings())


@pytest.mark.parametrize(
    ("question", "region", "industries", "types", "needs"),
    [
        ("我是黄埔区的生物医药初创企业，有哪些支持？", "黄埔区", ("生物医药",), ("初创企业",), ()),
        ("我们是高新技术企业，能申请哪些科技金融支持？", "", (), ("高新技术企业",), ("金融",)),
        (
            "我司是天河区的科技型中小企业，想申请贷款，有什么政策？",
            "天河区",
            (),
            ("科技型中小企业",),
            ("贷款",),
        ),
    ],
)
def test_a_question_about_oneself_reads_as_a_profile(
    question: str,
    region: str,
    industries: tuple[str, ...],
    types: tuple[str, ...],
    needs: tuple[str, ...],
) -> None:
    profile = profile_question(question)
    assert profile is not None
    assert (profile.region, profile.industries, profile.types(), profile.needs) == (
        region,
        industries,
        types,
        needs,
    )


@pytest.mark.parametrize(
    "question",
    [
        "企业申请研发投入有哪些支持政策？",  # not about the asker
        "我们是黄埔一家准备上市的企业，区里的规划对拟上市企业有什么支持？",  # one document
        "我们是想申报高企的企业，开了多少场宣讲培训会？",  # one figure
        "我们是骨干企业，广州市科协支持吗？",  # yes / no
    ],
)
def test_other_questions_are_left_to_the_passage_answer(question: str) -> None:
    assert profile_question(question) is None


def test_no_eval_question_is_taken_for_a_profile_question() -> None:
    for name in ("dev", "test"):
        for item in load_dataset(DATASETS_DIR / f"{name}.jsonl"):
            assert profile_question(item.question) is None, item.question


def test_the_chat_answers_an_enterprise_with_a_grouped_cited_list(assistant: Assistant) -> None:
    answer = assistant.ask("我是黄埔区的生物医药初创企业，有哪些支持？")
    assert not answer.refused
    assert answer.text.startswith("根据已收录文档中的扶持措施")
    assert "**" in answer.text and "来源：" in answer.text
    assert 1 <= len(answer.citations) <= 8
    for citation in answer.citations:
        assert citation.quote in citation.passage.text  # verbatim from an indexed chunk
        assert f"{citation.quote}[{citation.n}]" in answer.text
    # Headings, statistics and goals never appear as measures.
    assert "2.加快高新技术企业自主创新能力提升" not in answer.text
    assert "高新技术企业占 80%" not in answer.text


def test_a_finance_question_lists_only_finance_measures(assistant: Assistant) -> None:
    answer = assistant.ask("我们是高新技术企业，能申请哪些科技金融支持？")
    assert answer.citations
    assert "高新技术企业占 80%" not in answer.text
    assert "2.加快高新技术企业自主创新能力提升" not in answer.text
    bullets = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(answer.citations)
    finance = ("支持方式：信贷/风险补偿/担保", "支持方式：基金/股权投资")
    assert all(any(kind in line for kind in finance) for line in bullets)


def test_the_cli_prints_json_rows_and_grouped_markdown(indexed_settings: StoreSettings) -> None:
    env = {**os.environ, "POLICY_QA_DATA_DIR": str(indexed_settings.data_dir)}
    base = [POLICY_QA, "measures", "--region", "黄埔区", "--industry", "生物医药"]
    args = [*base, "--beneficiary", "高新技术企业"]
    result = subprocess.run([*args, "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    rows = payload["measures"]
    assert len(rows) == 10
    for row in rows:
        assert row["title"] and row["why"] and row["text"] and row["section"]
        assert {"生物医药", "高新技术企业"} & {*row["industries"], *row["beneficiaries"]}
        assert row["level"] in ("黄埔区、广州开发区", "广州市")
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    text = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("## 扶持措施：黄埔区 · 生物医药 · 高新技术企业")
    assert "### " in text.stdout and "匹配原因：" in text.stdout and "出处：《" in text.stdout
