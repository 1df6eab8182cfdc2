"""Collections with access control, and citation links to the original file at its page.

One index: the bundled corpus (public), a generated multi-page PDF (public) and a generated
internal brief (collection `internal`) with unique marker strings, a figure and a support
measure. A caller without `internal` must never get anything of the brief: no passage, no
citation, no quote, no title, no figure, no measure, no count, no file, through the
assistant, the API (real uvicorn) or the CLI (real subprocesses). A granted caller must.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assistant.access import AccessSettings, hash_password, parse_tokens, verify_password
from assistant.app import App, open_app
from assistant.settings import Settings
from evals import scan_render
from ingest.pipeline import process_paths
from tests.api_server import ThreadedServer
from tests.concurrency import cli_env
from tests.conftest import CORPUS, make_settings, warm_cache_into
from tests.helpers import POLICY_QA
from ui.api.app import create_api
from ui.api.config import ApiSettings
from vectorstore.audit import audit_path, read_audit
from vectorstore.indexer import index_outcomes
from vectorstore.scope import ALL_COLLECTIONS, PUBLIC_SCOPE, Scope, scoped, visible
from vectorstore.service import open_store

INTERNAL_DOC = "internal_pilot_brief.txt"
INTERNAL_TITLE = "蓝鲸计划内部试点工作简报"
MARKERS = ("蓝鲸", "777", INTERNAL_TITLE, "内部试点企业")
INTERNAL_TEXT = f"""{INTERNAL_TITLE}

一、总体情况
2025年内部试点企业达到777家，蓝鲸计划专项资金共安排3.5亿元。

二、支持措施
对纳入蓝鲸计划的科技型中小企业，给予最高200万元的研发费用补助。
"""
QUESTIONS = (
    "2025年内部试点企业达到多少家？",
    "蓝鲸计划专项资金安排了多少？",
    "蓝鲸计划对科技型中小企业有哪些支持措施？",
    "内部试点企业数量的变化趋势如何？",
)
PDF_DOC = "paged_report.pdf"
# Every line names its page, so the page a chunk starts on can be read off its first line.
PDF_PAGES = [
    [
        f"第{n}页第{line}行：广州市推动新型研发机构与创新联合体建设，编号甲{n}乙{line}。"
        for line in range(12)
    ]
    for n in range(1, 5)
]
PAGE_MARK = re.compile(r"第(\d)页第\d+行")
PUBLIC_TOKEN, HR_TOKEN, ADMIN_TOKEN = "pub-token-1", "hr-token-1", "coll-admin-token"
pytestmark = pytest.mark.usefixtures("indexed_settings")
INTERNAL = Scope(frozenset({"public", "internal"}))


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sources")
    internal, paged = folder / "internal", folder / "paged"
    internal.mkdir()
    paged.mkdir()
    (internal / INTERNAL_DOC).write_text(INTERNAL_TEXT, encoding="utf-8")
    (paged / PDF_DOC).write_bytes(scan_render.text_layer_pdf(PDF_PAGES))
    return internal, paged


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, sources: tuple[Path, Path]) -> App:
    data_dir = tmp_path_factory.mktemp("collections")
    warm_cache_into(data_dir)
    settings = make_settings(data_dir)
    store = open_store(settings)
    internal, paged = sources
    done = list(index_outcomes(store, process_paths([CORPUS, paged])))
    done += list(index_outcomes(store, process_paths([internal]), collection="internal"))
    assert all(r.status == "indexed" for r in done), done
    return open_app(Settings(store=settings))


def leaks(app: App, question: str) -> list[str]:
    """Everything of the internal brief the current scope gets for `question`."""
    found = [f"search:{p.doc_id}" for p in app.searcher.search(question, 20)]
    found = [hit for hit in found if hit == f"search:{INTERNAL_DOC}"]
    answer = app.assistant.ask(question)
    found += [f"cited:{c.passage.doc_id}" for c in answer.citations]
    found = [hit for hit in found if INTERNAL_DOC in hit]
    # The answer, 可能相关 and notes; words the question itself used may be echoed back.
    unasked = [m for m in MARKERS if m not in question]
    found += [f"text:{m}" for m in unasked if m in answer.text]
    found += [f"warning:{m}" for m in unasked for w in answer.warnings if m in w]
    found += [f"fact:{s.fact.doc_id}" for s in app.store.facts.query() if "777" in s.fact.quote]
    found += [
        f"measure:{s.measure.doc_id}" for s in app.measures.store.all() if "蓝鲸" in s.measure.text
    ]
    snapshot = app.searcher.index.snapshot()
    found += [f"listed:{d}" for d in snapshot.documents if d == INTERNAL_DOC]
    found += [
        f"library:{r.doc_id}" for r in visible(app.store.documents()) if r.doc_id == INTERNAL_DOC
    ]
    return found


def test_the_internal_brief_is_indexed_with_facts_and_measures(library: App) -> None:
    record = library.store.document(INTERNAL_DOC)
    assert record is not None and record.collection == "internal" and record.original
    with scoped(ALL_COLLECTIONS):
        assert [s for s in library.store.facts.query() if s.fact.value == 777]
        assert [s for s in library.measures.store.all() if "蓝鲸" in s.measure.text]


@pytest.mark.parametrize("question", QUESTIONS)
def test_public_callers_get_nothing_of_the_internal_brief(library: App, question: str) -> None:
    with scoped(PUBLIC_SCOPE):
        assert leaks(library, question) == []
    assert leaks(library, question) == []  # no scope set at all: public only (fail closed)


def test_granted_callers_see_the_internal_brief(library: App) -> None:
    for scope in (INTERNAL, ALL_COLLECTIONS):
        with scoped(scope):
            found = leaks(library, QUESTIONS[0])
            assert f"cited:{INTERNAL_DOC}" in found and "text:777" in found, found
            assert f"fact:{INTERNAL_DOC}" in found and f"measure:{INTERNAL_DOC}" in found
            assert f"library:{INTERNAL_DOC}" in found


def test_moving_a_document_is_audited_and_takes_effect_at_once(library: App) -> None:
    result = library.indexer.change("move", INTERNAL_DOC, "tester", "test", "public")
    assert result.ok
    try:
        with scoped(PUBLIC_SCOPE):
            assert f"cited:{INTERNAL_DOC}" in leaks(library, QUESTIONS[0])
    finally:
        assert library.indexer.change("move", INTERNAL_DOC, "tester", "test", "internal").ok
    with scoped(PUBLIC_SCOPE):
        assert leaks(library, QUESTIONS[0]) == []
    moves = [
        e for e in read_audit(audit_path(library.settings.store.data_dir)) if e["what"] == "move"
    ]
    assert [(e["doc_id"], e["collection"], e["who"]) for e in moves][-2:] == [
        (INTERNAL_DOC, "public", "tester"),
        (INTERNAL_DOC, "internal", "tester"),
    ]


def test_pdf_pages_and_paragraphs_are_kept_and_cited(library: App) -> None:
    with scoped(PUBLIC_SCOPE):
        snapshot = library.searcher.index.snapshot()
        chunks = snapshot.by_doc[PDF_DOC]
        assert len(chunks) >= 3 and {c.page for c in chunks} >= {1, 2, 3, 4}
        for chunk in chunks:  # the page a chunk starts on, across page breaks too
            assert chunk.page == int(PAGE_MARK.search(chunk.text).group(1)), chunk.text[:40]
        answer = library.assistant.ask("编号甲3乙7的是哪一行？")
        cited = [c for c in answer.citations if c.passage.doc_id == PDF_DOC]
        assert cited, answer.text
        card = cited[0].to_json()
        assert card["page"] == cited[0].passage.chunk.page >= 1
        assert card["link"] == f"/files/{PDF_DOC}#page={card['page']}"
        text_chunks = snapshot.by_doc["000_0e5a863861ba855e.txt"]
        assert all(c.page == 0 and c.paragraph >= 1 for c in text_chunks)
        assert [c.paragraph for c in text_chunks] == sorted(c.paragraph for c in text_chunks)


@pytest.fixture(scope="module")
def api(library: App) -> Iterator[str]:
    settings = ApiSettings(
        read_tokens=frozenset({PUBLIC_TOKEN, HR_TOKEN}),
        scoped_tokens=parse_tokens(f"pub:{PUBLIC_TOKEN},hr:{HR_TOKEN}:public+internal"),
        admin_token=ADMIN_TOKEN,
        rate_per_minute=0,
    )
    with ThreadedServer(create_api(library, settings)) as server:
        yield server.url


def _get(url: str, path: str, token: str | None, **params: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(f"{url}{path}", headers=headers, params=params, timeout=120)  # type: ignore[arg-type]


# Machine fields a marker can appear in by chance: a chat reply's `created` second (e.g.
# 1796107775 holds 777), its random id, an answer's timings in milliseconds.
_MACHINE_KEYS = frozenset({"id", "created", "timings_ms"})


def _without_machine_fields(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_machine_fields(v) for k, v in value.items() if k not in _MACHINE_KEYS}
    if isinstance(value, list):
        return [_without_machine_fields(v) for v in value]
    return value


def _readable(body: str) -> str:
    """What a response says, without its machine fields: a JSON body, or each JSON event of a
    stream, re-serialised; any other line as it is."""
    lines = [body] if body.lstrip().startswith(("{", "[")) else body.splitlines()
    readable = []
    for line in lines:
        try:
            value = json.loads(line.removeprefix("data:").strip())
        except ValueError:
            readable.append(line)
            continue
        readable.append(json.dumps(_without_machine_fields(value), ensure_ascii=False))
    return "\n".join(readable)


def _api_leaks(url: str, token: str) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    found = []
    for question in QUESTIONS:
        body = {"question": question}
        answer = httpx.post(f"{url}/api/v1/ask", json=body, headers=headers, timeout=300).text
        streamed = httpx.post(
            f"{url}/api/v1/ask?stream=true", json=body, headers=headers, timeout=300
        ).text
        hits = httpx.post(f"{url}/api/v1/search", json={"query": question}, headers=headers).text
        chat = httpx.post(
            f"{url}/api/v1/chat/completions",
            json={"model": "policy-qa", "messages": [{"role": "user", "content": question}]},
            headers=headers,
            timeout=300,
        ).text
        unasked = [m for m in (*MARKERS, INTERNAL_DOC) if m not in question]  # echoes are fine
        for name, body in (("ask", answer), ("sse", streamed), ("search", hits), ("chat", chat)):
            text = _readable(body)
            found += [f"{name}:{m}" for m in unasked if m in text]
    listing = _get(url, "/api/v1/documents", token).text
    found += [f"documents:{m}" for m in (INTERNAL_DOC, INTERNAL_TITLE) if m in listing]
    detail = _get(url, f"/api/v1/documents/{INTERNAL_DOC}", token)
    found += ["detail"] if detail.status_code != 404 else []
    figures = _get(url, "/api/v1/indicators", token, q="内部试点企业").text
    found += ["indicators"] if "777" in figures else []
    measures = _get(url, "/api/v1/measures", token, beneficiary="科技型中小企业", limit=50).text
    found += ["measures"] if "蓝鲸" in measures else []
    for path in (f"/api/v1/documents/{INTERNAL_DOC}/file", f"/files/{INTERNAL_DOC}"):
        response = _get(url, path, token)
        found += [f"file:{path}"] if response.status_code != 404 else []
    return found


def test_api_public_token_sees_nothing_internal_and_hr_token_does(api: str) -> None:
    assert _api_leaks(api, PUBLIC_TOKEN) == []
    granted = _api_leaks(api, HR_TOKEN)
    assert "ask:777" in granted and "indicators" in granted and "measures" in granted, granted
    assert "documents:" + INTERNAL_DOC in granted and "detail" in granted
    assert f"file:/files/{INTERNAL_DOC}" in granted


def test_forbidden_and_unknown_files_look_the_same(api: str) -> None:
    """A guessed URL says nothing: 404 with the same body shape whether the document exists."""
    forbidden = _get(api, f"/files/{INTERNAL_DOC}", None)
    unknown = _get(api, "/files/no_such_brief.txt", None)
    assert forbidden.status_code == unknown.status_code == 404
    assert INTERNAL_TITLE not in forbidden.text
    assert forbidden.json()["error"]["code"] == unknown.json()["error"]["code"]


@pytest.mark.parametrize(
    "path",
    [
        "/files/..%2F..%2F..%2Fetc%2Fpasswd",
        "/files/../../etc/passwd",
        "/files/%2Fetc%2Fpasswd",
        "/files//etc/passwd",
        "/files/..%2Ffacts.sqlite",
        "/files/%2E%2E/chroma/chroma.sqlite3",
        "/api/v1/documents/..%2F..%2Fetc%2Fpasswd/file",
        "/files/" + "a" * 64 + ".txt",  # a kept file's name is not a doc id
    ],
)
def test_traversal_attempts_fail(api: str, path: str) -> None:
    response = httpx.get(f"{api}{path}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 404, (path, response.status_code)
    assert "root:" not in response.text


def test_file_link_serves_the_original_inline(api: str, sources: tuple[Path, Path]) -> None:
    response = _get(api, f"/files/{PDF_DOC}", None)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (sources[1] / PDF_DOC).read_bytes()
    via_api = _get(api, f"/api/v1/documents/{PDF_DOC}/file", PUBLIC_TOKEN)
    assert via_api.status_code == 200 and via_api.content == response.content
    text = _get(api, "/files/000_0e5a863861ba855e.txt", None)
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    assert text.content == (CORPUS / "000_0e5a863861ba855e.txt").read_bytes()


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_without_scope_sees_public_only(library: App) -> None:
    env = cli_env(library.settings.store.data_dir)
    for argv, granted in (([], False), (["--collections", "public+internal"], True)):
        run = subprocess.run(
            [POLICY_QA, *argv, "ask", "--json", QUESTIONS[0]],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert run.returncode == 0, run.stderr
        answer = json.loads(run.stdout)
        cited = {c["doc_id"] for c in answer["citations"]}
        assert (INTERNAL_DOC in cited) is granted and ("777" in answer["answer"]) is granted
        figures = subprocess.run(
            [POLICY_QA, *argv, "figures", "内部试点企业"],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert ("777" in figures.stdout) is granted, figures.stdout
        listing = subprocess.run(
            [POLICY_QA, *argv, "docs"], capture_output=True, text=True, env=env, timeout=600
        )
        assert (INTERNAL_TITLE in listing.stdout) is granted


def test_query_log_records_the_callers_collections(library: App) -> None:
    with scoped(INTERNAL):
        library.assistant.ask(QUESTIONS[1])
    library.assistant.ask(QUESTIONS[2])
    rows = [(entry.question, entry.collection) for entry in library.query_log.entries()]
    assert ("蓝鲸计划专项资金安排了多少？", "internal+public") in rows
    assert ("蓝鲸计划对科技型中小企业有哪些支持措施？", "public") in rows


def test_users_and_tokens_settings(tmp_path: Path) -> None:
    hashed = hash_password("s3cret-pass")
    assert "s3cret-pass" not in hashed and verify_password("s3cret-pass", hashed)
    assert not verify_password("wrong", hashed) and not verify_password("x", "plain")
    users_file = tmp_path / "users"
    users_file.write_text(f"# staff\nbob:{hash_password('bob-pass')}:public\n", encoding="utf-8")
    access = AccessSettings.from_env(
        {
            "POLICY_QA_USERS": f"alice:{hashed}:public+internal",
            "POLICY_QA_USERS_FILE": str(users_file),
            "POLICY_QA_API_TOKENS": "legacy-token,hr:hr-secret:internal+public",
        }
    )
    alice = access.login("alice", "s3cret-pass")
    assert alice is not None and alice.scope == INTERNAL
    assert access.login("alice", "wrong") is None and access.login("nobody", "s3cret-pass") is None
    assert access.login("bob", "bob-pass").scope == PUBLIC_SCOPE  # type: ignore[union-attr]
    assert [(t.token, t.scope) for t in access.tokens] == [
        ("legacy-token", PUBLIC_SCOPE),
        ("hr-secret", INTERNAL),
    ]
    shown = json.dumps(Settings(access=access).redacted())
    assert "hr-secret" not in shown and "legacy-token" not in shown and hashed not in shown
    assert '"alice": "internal+public"' in shown


def test_interleaved_callers_of_different_collections_never_mix(library: App) -> None:
    """Public and granted questions at once on one Assistant (its caches are shared)."""

    def ask(scope: Scope, question: str) -> tuple[Scope, str, set[str]]:
        with scoped(scope):
            answer = library.assistant.ask(question)
        return scope, answer.text, {c.passage.doc_id for c in answer.citations}

    jobs = [(scope, q) for _ in range(3) for q in QUESTIONS for scope in (PUBLIC_SCOPE, INTERNAL)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda job: ask(*job), jobs))
    for (scope, question), (_, text, cited) in zip(jobs, results, strict=True):
        if scope == PUBLIC_SCOPE:
            assert INTERNAL_DOC not in cited and "777" not in text, (question, text)
    granted = [r for r in results if r[0] == INTERNAL and r[1].startswith("777")]
    assert len(granted) == 3  # the figure question, every round


def test_api_upload_into_a_collection_and_move_it(api: str, tmp_path: Path) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    text = "海豚专项内部通报\n\n海豚专项首批支持企业共计四十二家，资金下月拨付。\n"
    files = {"file": ("dolphin.txt", text.encode("utf-8"), "text/plain")}
    bad = httpx.post(
        f"{api}/api/v1/documents", files=files, data={"collection": "../x"}, headers=admin
    )
    assert bad.status_code == 400  # the API reports invalid input as 400
    uploaded = httpx.post(
        f"{api}/api/v1/documents",
        files=files,
        data={"collection": "internal"},
        headers=admin,
        timeout=300,
    )
    assert uploaded.status_code == 201, uploaded.text
    doc_id = uploaded.json()["doc_id"]
    search = {"query": "海豚专项首批支持企业"}
    public = {"Authorization": f"Bearer {PUBLIC_TOKEN}"}
    hr = {"Authorization": f"Bearer {HR_TOKEN}"}
    assert doc_id not in httpx.post(f"{api}/api/v1/search", json=search, headers=public).text
    assert doc_id in httpx.post(f"{api}/api/v1/search", json=search, headers=hr).text
    moved = httpx.post(
        f"{api}/api/v1/documents/{doc_id}/collection", json={"collection": "public"}, headers=hr
    )
    assert moved.status_code == 403  # a read token may not move documents
    moved = httpx.post(
        f"{api}/api/v1/documents/{doc_id}/collection", json={"collection": "public"}, headers=admin
    )
    assert moved.status_code == 200 and moved.json() == {"doc_id": doc_id, "collection": "public"}
    assert doc_id in httpx.post(f"{api}/api/v1/search", json=search, headers=public).text
    assert httpx.delete(f"{api}/api/v1/documents/{doc_id}", headers=admin).status_code == 200


def test_cards_show_the_page_or_paragraph_and_link_the_original() -> None:
    from ui import render

    base = {"n": 1, "doc_id": "a.txt", "title": "T", "date": "2024", "section": "", "text": "x"}
    paged = render.citation_card({**base, "page": 3, "link": '/files/a.pdf?g="1"#page=3'})
    assert "第3页" in paged and 'href="/files/a.pdf?g=&quot;1&quot;#page=3"' in paged
    assert "查看原文第3页" in paged
    plain = render.citation_card({**base, "page": 0, "paragraph": 12, "link": None})
    assert "第12段" in plain and "pqa-file" not in plain
