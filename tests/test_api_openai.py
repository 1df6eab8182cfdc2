"""The official `openai` SDK against the whole served app (UI at /, API at /api/v1) on a real
uvicorn: non-streaming and streaming chat, citations on both paths, a history turn, models.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from openai import OpenAI

from assistant.app import open_app
from assistant.settings import Settings
from tests.api_server import ThreadedServer
from ui.api.config import ApiSettings
from ui.api.server import create_server_app
from vectorstore.settings import StoreSettings

PLAN = "003_d7285df370a477b8.txt"
QUESTION = "2025年黄埔区高新技术企业要达到多少家？"
TOKEN = "sdk-token"


@pytest.fixture(scope="module")
def base_url(indexed_settings: StoreSettings) -> Iterator[str]:
    app = open_app(Settings(store=indexed_settings))
    settings = ApiSettings(read_tokens=frozenset({TOKEN}), rate_per_minute=0)
    with ThreadedServer(create_server_app(app, settings)) as server:
        yield server.url


@pytest.fixture(scope="module")
def client(base_url: str) -> OpenAI:
    return OpenAI(base_url=f"{base_url}/api/v1", api_key=TOKEN, max_retries=0, timeout=120)


def _marked(text: str, citations: list[dict]) -> None:
    """Every citation is a marker in the text, with the passage and its quote."""
    assert citations
    for citation in citations:
        assert f"[{citation['n']}]" in text
        assert citation["quote"] and citation["text"] and citation["title"]


def test_chat_completion_carries_markers_and_citations(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="policy-qa", messages=[{"role": "user", "content": QUESTION}]
    )
    assert completion.object == "chat.completion" and completion.model == "policy-qa"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    text = choice.message.content or ""
    assert "2600" in text
    citations = (completion.model_extra or {})["citations"]
    _marked(text, citations)
    assert citations[0]["doc_id"] == PLAN
    assert completion.usage is not None and completion.usage.completion_tokens > 0


def test_streamed_chat_gives_deltas_then_citations_on_the_final_chunk(client: OpenAI) -> None:
    stream = client.chat.completions.create(
        model="policy-qa-extractive",
        messages=[{"role": "user", "content": QUESTION}],
        stream=True,
    )
    chunks = list(stream)
    assert len(chunks) > 3 and len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    _marked(text, (final.model_extra or {})["citations"])
    plain = client.chat.completions.create(
        model="policy-qa-extractive", messages=[{"role": "user", "content": QUESTION}]
    )
    assert text == plain.choices[0].message.content


def test_earlier_messages_are_the_history(client: OpenAI) -> None:
    first = client.chat.completions.create(
        model="policy-qa", messages=[{"role": "user", "content": QUESTION}]
    )
    messages = [
        {"role": "system", "content": "你是政策助手"},
        {"role": "user", "content": QUESTION},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "那2020年呢？"}]},
    ]
    follow_up = client.chat.completions.create(model="policy-qa", messages=messages)  # type: ignore[arg-type]
    text = follow_up.choices[0].message.content or ""
    assert "2109" in text and not (follow_up.model_extra or {})["refused"], text
    alone = client.chat.completions.create(
        model="policy-qa", messages=[{"role": "user", "content": "那2020年呢？"}]
    )
    assert (alone.model_extra or {})["refused"]  # without the history there is nothing to ask


def test_models_and_errors_through_the_sdk(client: OpenAI, base_url: str) -> None:
    assert [m.id for m in client.models.list()] == ["policy-qa", "policy-qa-extractive"]
    with pytest.raises(openai.BadRequestError) as bad_model:
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "问"}])
    assert bad_model.value.body["code"] == "model_not_found"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(
            model="policy-qa", messages=[{"role": "system", "content": "只有系统消息"}]
        )
    stranger = OpenAI(base_url=f"{base_url}/api/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.models.list()


def test_the_ui_is_served_from_the_same_port_in_chinese(base_url: str) -> None:
    page = httpx.get(base_url + "/", timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "navigator" in page.text.lower() and '"zh-CN"' in page.text  # the locale script
    assert "广州科技创新政策问答" in page.text
    config = httpx.get(base_url + "/config", timeout=60)
    assert config.status_code == 200 and "智能问答" in config.text
    assert httpx.get(base_url + "/api/v1/health").json()["status"] == "ok"
