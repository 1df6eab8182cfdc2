"""The API key never leaks: not in `config`, `--json` output, stderr, logs, reprs or error messages."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

import pytest

from assistant.answer import Assistant
from assistant.config import AssistantSettings
from assistant.llm import LlmClient, LlmUnavailable
from tests.fake_llm import FakeLLM
from tests.helpers import POLICY_QA, free_port
from vectorstore.search import HybridSearcher
from vectorstore.settings import StoreSettings, redact_key, redact_url

KEY = "sk-test-SECRET-1234567890"
QUESTION = "广州超算中心用户总数同比增长了多少？"


def run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "OPENAI_"))}
    return subprocess.run(
        [POLICY_QA, *args],
        capture_output=True,
        text=True,
        env={**base, "POLICY_QA_DATA_DIR": str(data_dir), "OPENAI_API_KEY": KEY, **env},
        timeout=300,
    )


@pytest.mark.slow
def test_config_shows_the_key_redacted(tmp_path: Path) -> None:
    text = run("config", data_dir=tmp_path, CHROMA_HOST="chroma.internal", CHROMA_PORT="8100")
    as_json = run("config", "--json", data_dir=tmp_path, POLICY_QA_LLM_MODEL="deepseek-chat")
    for done in (text, as_json):
        assert done.returncode == 0, done.stderr
        assert KEY not in done.stdout + done.stderr and "SECRET" not in done.stdout
    assert "***7890" in text.stdout and "chroma.internal:8100" in text.stdout
    settings = json.loads(as_json.stdout)
    assert settings["llm"]["api_key"] == "***7890"
    assert settings["llm"]["model"] == "deepseek-chat" and settings["answer_mode"] == "llm"
    assert settings["data_dir"] == str(tmp_path)
    assert settings["chroma"] == {"mode": "embedded", "path": str(tmp_path / "chroma")}
    assert set(settings["embedding"]) == {"backend", "model"}


def test_config_without_a_key_and_with_bad_settings(tmp_path: Path) -> None:
    done = run("config", "--json", data_dir=tmp_path, OPENAI_API_KEY="")
    assert json.loads(done.stdout)["llm"]["api_key"] is None
    assert json.loads(done.stdout)["answer_mode"] == "extractive"
    bad = run("config", data_dir=tmp_path, POLICY_QA_LLM_TIMEOUT="soon")
    assert bad.returncode == 2 and "POLICY_QA_LLM_TIMEOUT" in bad.stderr
    assert "Traceback" not in bad.stderr and KEY not in bad.stderr


def test_redaction_helpers() -> None:
    assert redact_key(None) is None and redact_key("") is None
    assert redact_key("sk-short") == "***"
    assert redact_key(KEY) == "***7890"
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"
    assert redact_url(f"https://user:{KEY}@llm.example.com:8443/v1") == (
        "https://user:***@llm.example.com:8443/v1"
    )


@pytest.mark.slow
def test_ask_json_with_a_failing_llm_never_shows_the_key(indexed_settings: StoreSettings) -> None:
    done = run(
        "ask",
        "--json",
        QUESTION,
        data_dir=indexed_settings.data_dir,
        OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1",
        POLICY_QA_LLM_TIMEOUT="1",
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert any("大模型调用失败" in w for w in answer["warnings"])
    assert KEY not in done.stdout and KEY not in done.stderr


@pytest.mark.parametrize("where", ["closed-port", "server-echoes-key"])
def test_logs_during_an_llm_failure_hold_no_key(
    searcher: HybridSearcher,
    fake_llm: FakeLLM,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    fake_llm.reset()
    fake_llm.failure = "echo_key"
    base_url = f"http://127.0.0.1:{free_port()}/v1" if where == "closed-port" else fake_llm.base_url
    settings = AssistantSettings.from_env(
        {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": base_url, "POLICY_QA_LLM_TIMEOUT": "1"}
    )
    with caplog.at_level(logging.DEBUG):
        answer = Assistant(searcher, settings).ask(QUESTION)
    assert any("大模型调用失败" in w for w in answer.warnings)
    assert caplog.records  # the HTTP client did log at DEBUG
    for record in caplog.records:
        assert KEY not in record.getMessage(), record.name
    assert KEY not in caplog.text
    assert KEY not in json.dumps(answer.to_json(), ensure_ascii=False)
    if where == "server-echoes-key":
        assert fake_llm.requests and fake_llm.requests[0]["authorization"] == f"Bearer {KEY}"
        assert any("***" in w for w in answer.warnings)  # the echoed key was masked
    fake_llm.reset()


def test_reprs_of_settings_and_client_hide_the_key() -> None:
    env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}
    assistant_settings = AssistantSettings.from_env(env)
    store_settings = StoreSettings.from_env({**env, "POLICY_QA_EMBEDDING": "openai"})
    client = LlmClient(assistant_settings)
    for shown in (
        repr(assistant_settings),
        str(assistant_settings),
        repr(store_settings),
        str(store_settings),
        repr(client.chat),
    ):
        assert KEY not in shown
    assert "***" in repr(assistant_settings) and "***" in repr(store_settings)


def test_error_messages_hold_no_key(fake_llm: FakeLLM, searcher: HybridSearcher) -> None:
    fake_llm.reset()
    fake_llm.failure = "echo_key"
    settings = AssistantSettings.from_env(
        {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": fake_llm.base_url, "POLICY_QA_LLM_TIMEOUT": "1"}
    )
    client = LlmClient(settings)
    passages = searcher.search(QUESTION, 2)
    with pytest.raises(LlmUnavailable) as caught:
        list(client.stream_answer(QUESTION, passages))
    assert KEY not in str(caught.value) and "***" in str(caught.value)
    with pytest.raises(LlmUnavailable) as rewrite:
        client.rewrite("那增长了多少呢？", [(QUESTION, "25%")])
    assert KEY not in str(rewrite.value)
    for env in (
        {"OPENAI_API_KEY": KEY, "POLICY_QA_LLM_TIMEOUT": "-1"},
        {"OPENAI_API_KEY": KEY, "POLICY_QA_LLM_TIMEOUT": "never"},
    ):
        with pytest.raises(ValueError) as bad:
            AssistantSettings.from_env(env)
        assert KEY not in str(bad.value)
    with pytest.raises(ValueError) as bad_port:
        StoreSettings.from_env({"OPENAI_API_KEY": KEY, "CHROMA_PORT": "x"})
    assert KEY not in str(bad_port.value)
    fake_llm.reset()
