"""Document lifecycle: delete, disable, enable and replace, through the store, the real CLI (in
subprocesses) and the real API (uvicorn), each followed by search and ask checks that nothing
of a removed or disabled document remains: no passage, no citation, no quote (also not under
可能相关), no figure in the indicator view, and the audit log says who did it.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.app import App, open_app
from assistant.settings import Settings
from ingest.pipeline import process_paths
from tests.api_server import ThreadedServer
from tests.concurrency import (
    DOC_NAME,
    MARKER_A,
    MARKER_B,
    QUESTION,
    cli_env,
    version_dirs,
)
from tests.conftest import CORPUS, make_settings, warm_cache_into
from tests.helpers import POLICY_QA
from ui.api.app import create_api
from ui.api.config import ApiSettings
from vectorstore.audit import audit_path, read_audit
from vectorstore.indexer import index_outcomes
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings

PLAN = "003_d7285df370a477b8.txt"  # holds the 高新技术企业 table: facts to hide and delete
PLAN_FIGURE = "高新技术企业"
ADMIN_TOKEN = "lifecycle-admin-token"
# The session's corpus index also fills the embedding cache every index built here starts from.
pytestmark = pytest.mark.usefixtures("indexed_settings")


def build_index(data_dir: Path, extra: Path | None = None) -> StoreSettings:
    """The bundled corpus (+ the files in `extra`) indexed into `data_dir`."""
    warm_cache_into(data_dir)
    settings = make_settings(data_dir)
    store = open_store(settings)
    paths = [CORPUS, *([extra] if extra else [])]
    results = list(index_outcomes(store, process_paths(paths)))
    assert all(r.status == "indexed" for r in results), results
    return settings


@pytest.fixture(scope="module")
def brief_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return version_dirs(tmp_path_factory.mktemp("brief"))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, brief_dirs: tuple[Path, Path]) -> App:
    """The corpus plus version A of the fund brief, in its own data dir."""
    settings = build_index(tmp_path_factory.mktemp("lifecycle"), brief_dirs[0])
    return open_app(Settings(store=settings))


def trace_of(app: App, doc_id: str, marker: str, question: str) -> list[str]:
    """Where anything of `doc_id` still shows: search hits, citations, quoted text, figures,
    support measures."""
    found = []
    passages = app.searcher.search(question, 10)
    found += [f"search:{p.doc_id}" for p in passages if p.doc_id == doc_id]
    answer = app.assistant.ask(question)
    found += [f"cited:{c.passage.doc_id}" for c in answer.citations if c.passage.doc_id == doc_id]
    if marker in answer.text:
        found.append("quoted")
    found += [f"fact:{s.fact.doc_id}" for s in app.store.facts.query() if s.fact.doc_id == doc_id]
    found += [f"measure:{doc_id}" for s in app.measures.store.all() if s.measure.doc_id == doc_id]
    return found


def test_disable_hides_everywhere_and_enable_brings_back(library: App) -> None:
    plan_question = "2025年黄埔区高新技术企业要达到多少家？"
    brief_before = trace_of(library, DOC_NAME, MARKER_A, QUESTION)
    plan_before = trace_of(library, PLAN, "2600", plan_question)
    assert f"search:{DOC_NAME}" in brief_before and f"cited:{PLAN}" in plan_before
    assert [s for s in library.store.facts.query(PLAN_FIGURE) if s.fact.doc_id == PLAN]
    assert f"measure:{PLAN}" in plan_before  # the plan's support measures are in the catalogue

    for doc_id in (DOC_NAME, PLAN):
        result = library.indexer.change("disable", doc_id, "tester", "test")
        assert result.ok and result.status == "disabled"
    assert trace_of(library, DOC_NAME, MARKER_A, QUESTION) == []
    assert trace_of(library, PLAN, "2600", plan_question) == []
    listed = {r.doc_id: r.disabled for r in library.store.documents()}
    assert listed[DOC_NAME] is True and listed[PLAN] is True  # kept, shown as disabled
    assert DOC_NAME not in library.searcher.index.snapshot().documents

    for doc_id in (DOC_NAME, PLAN):
        assert library.indexer.change("enable", doc_id, "tester", "test").status == "enabled"
    assert trace_of(library, DOC_NAME, MARKER_A, QUESTION) == brief_before
    assert trace_of(library, PLAN, "2600", plan_question) == plan_before
    entries = [e for e in read_audit(audit_path(library.settings.store.data_dir))]
    assert [(e["what"], e["doc_id"]) for e in entries if e["who"] == "tester"] == [
        ("disable", DOC_NAME),
        ("disable", PLAN),
        ("enable", DOC_NAME),
        ("enable", PLAN),
    ]


def test_a_replaced_disabled_document_stays_disabled(
    library: App, brief_dirs: tuple[Path, Path]
) -> None:
    library.indexer.change("disable", DOC_NAME, "tester", "test")
    (result,) = library.indexer.ingest_paths([brief_dirs[1]]).results
    assert result.status == "indexed"
    assert trace_of(library, DOC_NAME, MARKER_B, QUESTION) == []
    library.indexer.change("enable", DOC_NAME, "tester", "test")
    assert f"search:{DOC_NAME}" in trace_of(library, DOC_NAME, MARKER_B, QUESTION)
    library.indexer.ingest_paths([brief_dirs[0]])  # back to version A for the other tests


def test_unknown_documents_are_reported_not_created(library: App) -> None:
    for action in ("delete", "disable", "enable"):
        result = library.indexer.change(action, "no-such-doc.txt", "tester", "test")  # type: ignore[arg-type]
        assert not result.ok and "no-such-doc.txt" in result.error
    assert "no-such-doc.txt" not in {r.doc_id for r in library.store.documents()}


def test_replace_while_ten_questions_run_never_mixes_versions(
    tmp_path: Path, brief_dirs: tuple[Path, Path]
) -> None:
    data_dir = tmp_path / "race"
    warm_cache_into(data_dir)
    app = open_app(Settings(store=make_settings(data_dir)))
    app.indexer.ingest_paths([brief_dirs[0]])
    app.assistant.ask(QUESTION)  # warm: models and BM25 loaded before the race
    answers: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_until_stopped() -> None:
        while not stop.is_set():
            try:
                answer = app.assistant.ask(QUESTION)
                answers.append(answer.text + "".join(c.passage.text for c in answer.citations))
            except BaseException as error:  # any error fails the test
                errors.append(error)
                return

    askers = [threading.Thread(target=ask_until_stopped) for _ in range(10)]
    for asker in askers:
        asker.start()
    try:
        for folder in (brief_dirs[1], brief_dirs[0], brief_dirs[1]):
            (result,) = app.indexer.ingest_paths([folder]).results
            assert result.status == "indexed", result
    finally:
        stop.set()
        for asker in askers:
            asker.join(300)
    assert errors == []
    assert len(answers) >= 10
    mixed = [text for text in answers if MARKER_A in text and MARKER_B in text]
    assert mixed == []
    assert any(MARKER_B in text for text in answers)  # the replacement was seen
    assert MARKER_B in app.assistant.ask(QUESTION).text


# -- the CLI, in real subprocesses ------------------------------------------------------------


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [POLICY_QA, *args],
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli_trace(data_dir: Path, doc_id: str, marker: str) -> list[str]:
    search = cli(data_dir, "search", QUESTION, "--json")
    assert search.returncode == 0, search.stderr
    ask = cli(data_dir, "ask", QUESTION, "--json")
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    found = [f"search:{h['doc_id']}" for h in json.loads(search.stdout) if h["doc_id"] == doc_id]
    found += [f"cited:{c['doc_id']}" for c in answer["citations"] if c["doc_id"] == doc_id]
    return found + (["quoted"] if marker in answer["answer"] else [])


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_disable_enable_and_rm(tmp_path: Path, brief_dirs: tuple[Path, Path]) -> None:
    data_dir = tmp_path / "cli"
    build_index(data_dir, brief_dirs[0])
    before = cli_trace(data_dir, DOC_NAME, MARKER_A)
    assert f"search:{DOC_NAME}" in before

    disabled = cli(data_dir, "docs", "disable", DOC_NAME)
    assert disabled.returncode == 0 and "已停用" in disabled.stdout
    assert cli_trace(data_dir, DOC_NAME, MARKER_A) == []
    listing = cli(data_dir, "docs")
    assert any(DOC_NAME in line and "已停用" in line for line in listing.stdout.splitlines())
    as_json = json.loads(cli(data_dir, "docs", "--json").stdout)
    assert {d["doc_id"]: d["disabled"] for d in as_json}[DOC_NAME] is True

    assert cli(data_dir, "docs", "enable", DOC_NAME).returncode == 0
    assert cli_trace(data_dir, DOC_NAME, MARKER_A) == before

    removed = cli(data_dir, "docs", "rm", DOC_NAME, "--json")
    assert removed.returncode == 0 and json.loads(removed.stdout)["status"] == "deleted"
    assert cli_trace(data_dir, DOC_NAME, MARKER_A) == []
    assert DOC_NAME not in cli(data_dir, "docs").stdout

    again = cli(data_dir, "docs", "rm", DOC_NAME)
    assert again.returncode == 1 and "no document" in again.stderr
    assert "Traceback" not in again.stderr
    cli_entries = [e for e in read_audit(audit_path(data_dir)) if e["via"] == "cli"]
    assert [(e["what"], e["ok"]) for e in cli_entries] == [
        ("disable", True),
        ("enable", True),
        ("delete", True),
        ("delete", False),
    ]
    assert all(e["who"].startswith("cli@") and e["time"] for e in cli_entries)


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_rm_takes_the_figures_with_the_document(tmp_path: Path) -> None:
    data_dir = tmp_path / "cli-facts"
    build_index(data_dir)
    figures = cli(data_dir, "figures", PLAN_FIGURE, "--json")
    assert PLAN in figures.stdout
    assert cli(data_dir, "docs", "disable", PLAN).returncode == 0
    assert PLAN not in cli(data_dir, "figures", PLAN_FIGURE, "--json").stdout
    assert cli(data_dir, "docs", "rm", PLAN).returncode == 0
    assert PLAN not in cli(data_dir, "figures", PLAN_FIGURE, "--json").stdout
    assert cli(data_dir, "docs", "enable", PLAN).returncode == 1  # gone, not just hidden


# -- the API, on a real uvicorn -----------------------------------------------------------------


@pytest.fixture(scope="module")
def admin_api(library: App) -> Iterator[str]:
    settings = ApiSettings(admin_token=ADMIN_TOKEN, rate_per_minute=0)
    with ThreadedServer(create_api(library, settings)) as server:
        yield server.url + "/api/v1"


def api_trace(url: str, doc_id: str, marker: str) -> list[str]:
    hits = httpx.post(f"{url}/search", json={"query": QUESTION}, timeout=120).json()
    answer = httpx.post(f"{url}/ask", json={"question": QUESTION}, timeout=120).json()
    found = [f"search:{h['doc_id']}" for h in hits if h["doc_id"] == doc_id]
    found += [f"cited:{c['doc_id']}" for c in answer["citations"] if c["doc_id"] == doc_id]
    listed = [d["doc_id"] for d in httpx.get(f"{url}/documents").json()]
    found += ["listed"] if doc_id in listed else []
    return found + (["quoted"] if marker in answer["answer"] else [])


def test_api_disable_enable_and_delete(admin_api: str, library: App) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    before = api_trace(admin_api, DOC_NAME, MARKER_A)
    assert f"search:{DOC_NAME}" in before and "listed" in before
    assert httpx.post(f"{admin_api}/documents/{DOC_NAME}/disable").status_code == 401

    disabled = httpx.post(f"{admin_api}/documents/{DOC_NAME}/disable", headers=admin)
    assert disabled.json() == {"doc_id": DOC_NAME, "disabled": True}
    assert api_trace(admin_api, DOC_NAME, MARKER_A) == []
    assert httpx.get(f"{admin_api}/documents/{DOC_NAME}").status_code == 404

    enabled = httpx.post(f"{admin_api}/documents/{DOC_NAME}/enable", headers=admin)
    assert enabled.json() == {"doc_id": DOC_NAME, "disabled": False}
    assert api_trace(admin_api, DOC_NAME, MARKER_A) == before

    plan_figures = httpx.get(f"{admin_api}/indicators", params={"q": PLAN_FIGURE}).json()
    assert PLAN in json.dumps(plan_figures)
    httpx.post(f"{admin_api}/documents/{PLAN}/disable", headers=admin)
    hidden = httpx.get(f"{admin_api}/indicators", params={"q": PLAN_FIGURE})
    assert PLAN not in hidden.text
    httpx.post(f"{admin_api}/documents/{PLAN}/enable", headers=admin)

    # A deleted document is unreachable in the very next request.
    deleted = httpx.delete(f"{admin_api}/documents/{DOC_NAME}", headers=admin)
    assert deleted.json() == {"doc_id": DOC_NAME, "deleted": True}
    assert api_trace(admin_api, DOC_NAME, MARKER_A) == []
    gone = httpx.post(f"{admin_api}/documents/{DOC_NAME}/enable", headers=admin)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    entries = read_audit(audit_path(library.settings.store.data_dir))
    api_entries = [(e["what"], e["ok"]) for e in entries if e.get("via") == "api"]
    assert api_entries == [
        ("disable", True),
        ("enable", True),
        ("disable", True),
        ("enable", True),
        ("delete", True),
        ("enable", False),
    ]
    assert all(ADMIN_TOKEN not in json.dumps(e) for e in entries)
