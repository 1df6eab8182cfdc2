"""OpenAI-compatible chat: `POST /chat/completions` and `GET /models`.

Existing OpenAI clients and chat front-ends talk to the knowledge base unchanged: the last
user message is the question, earlier user/assistant pairs are the history, the reply text
carries the [n] markers. The citations (RAGFlow #8273: lost on this path elsewhere) ride
along in a `citations` field of the response, and of the final chunk when streaming; a
client that ignores the field still gets a valid OpenAI response.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.answer import Answer
from assistant.app import App
from ingest.tokens import count_tokens
from ui.api import sse
from ui.api.auth import require_reader
from ui.api.deps import ERRORS, Served
from ui.api.errors import ApiError, from_store_error, internal_error
from ui.api.models import MAX_QUESTION_CHARS
from vectorstore.errors import StoreError

router = APIRouter(dependencies=[Depends(require_reader)], tags=["openai"])

# Model name -> answer mode (None: the server's configured mode, llm when a key is set).
MODELS: dict[str, str | None] = {"policy-qa": None, "policy-qa-extractive": "extractive"}
MAX_MESSAGES = 100


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def plain_text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text or "" for part in self.content if part.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """The OpenAI request; sampling options (temperature, …) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = "policy-qa"
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False


def conversation(messages: list[ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """The last user message, and (question, answer) pairs from the user/assistant turns
    before it."""
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise ApiError(400, "bad_request", "缺少用户消息", "no user message")
    last = users[-1]
    question = messages[last].plain_text()
    if len(question) > MAX_QUESTION_CHARS:
        raise ApiError(
            400,
            "bad_request",
            f"问题过长（上限 {MAX_QUESTION_CHARS} 字）",
            f"question too long (limit {MAX_QUESTION_CHARS} characters)",
        )
    history: list[tuple[str, str]] = []
    pending: str | None = None
    for message in messages[:last]:
        if message.role == "user":
            pending = message.plain_text()
        elif message.role == "assistant" and pending is not None:
            history.append((pending, message.plain_text()))
            pending = None
    return question, history


def _mode(model: str) -> str | None:
    if model not in MODELS:
        raise ApiError(
            400,
            "model_not_found",
            f"没有模型 {model}，可用：{'、'.join(MODELS)}",
            f"no model {model!r}; available: {', '.join(MODELS)}",
        )
    return MODELS[model]


def reply_text(answer: Answer) -> str:
    """The answer with its [n] markers, then its warnings (a client may show nothing else)."""
    return "".join([answer.text, *(f"\n\n⚠ {warning}" for warning in answer.warnings)])


def _extras(answer: Answer) -> dict[str, Any]:
    return {
        "citations": [c.to_json() for c in answer.citations],
        "warnings": list(answer.warnings),
        "refused": answer.refused,
    }


def _usage(question: str, history: list[tuple[str, str]], reply: str) -> dict[str, int]:
    prompt = count_tokens(question) + sum(count_tokens(q) + count_tokens(a) for q, a in history)
    completion = count_tokens(reply)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


@router.get("/models")
def models() -> dict[str, Any]:
    """Both model names: `policy-qa` (the server's mode) and `policy-qa-extractive`."""
    return {
        "object": "list",
        "data": [
            {"id": name, "object": "model", "created": 0, "owned_by": "policy-qa"}
            for name in MODELS
        ],
    }


@router.post("/chat/completions", responses=ERRORS)
def chat_completions(body: ChatRequest, app: Served) -> Any:
    """OpenAI chat completion (streamed with `stream: true`), plus `citations`."""
    mode = _mode(body.model)
    question, history = conversation(body.messages)
    head = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": body.model}
    if body.stream:
        chunks = _stream(app, head, question, history, mode)
        return StreamingResponse(chunks, media_type=sse.MEDIA_TYPE, headers=sse.HEADERS)
    answer = app.assistant.ask(question, history, mode=mode)
    reply = reply_text(answer)
    return JSONResponse(
        {
            **head,
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply},
                    "finish_reason": "stop",
                }
            ],
            "usage": _usage(question, history, reply),
            **_extras(answer),
        }
    )


def _chunk(head: dict[str, Any], delta: dict[str, Any], finish: str | None = None) -> dict:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {**head, "object": "chat.completion.chunk", "choices": [choice]}


def _stream(
    app: App,
    head: dict[str, Any],
    question: str,
    history: list[tuple[str, str]],
    mode: str | None,
) -> Iterator[str]:
    yield sse.event(_chunk(head, {"role": "assistant", "content": ""}))
    streamed: list[str] = []
    try:
        for item in app.assistant.ask_stream(question, history, mode=mode):
            if isinstance(item, Answer):
                sent, reply = "".join(streamed), reply_text(item)
                # The warnings follow the streamed text (a checked LLM answer may differ from
                # what was streamed; the client then has the final text in no other place).
                tail = reply[len(sent) :] if reply.startswith(sent) else ""
                if tail:
                    streamed.append(tail)
                    yield sse.event(_chunk(head, {"content": tail}))
                final = _chunk(head, {}, "stop")
                final.update(_extras(item), usage=_usage(question, history, "".join(streamed)))
                yield sse.event(final)
            elif item:
                streamed.append(item)
                yield sse.event(_chunk(head, {"content": item}))
    except StoreError as error:  # the response has started: OpenAI clients raise on `error`
        yield sse.event(from_store_error(error).body())
    except Exception as error:
        yield sse.event(internal_error(error).body())
    yield sse.done()
