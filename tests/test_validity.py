"""Validity in answers: policy metadata edited through the real CLI (subprocesses) and the real
API (uvicorn), expired and superseded citations warned about, current documents ranked first,
status/type filters, and admin edits that survive re-ingesting the file.

The fixture library is three generated notices (no bundled document states a validity): an
innovation-voucher measure of 2019 valid for 3 years (expired), its 2023 successor valid until
2035, and a draft call for applications.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.app import App, open_app
from assistant.settings import Settings
from ingest.pipeline import process_paths
from ingest.policy import CURRENT, DRAFT, EXPIRED, SUPERSEDED
from tests.api_server import ThreadedServer
from tests.concurrency import cli_env
from tests.conftest import make_settings, warm_cache_into
from tests.helpers import POLICY_QA
from ui.api.app import create_api
from ui.api.config import ApiSettings
from vectorstore.audit import audit_path, read_audit
from vectorstore.indexer import index_outcomes
from vectorstore.service import open_store
from vectorstore.settings import StoreSettings

OLD, NEW, GUIDE = "voucher-2019.txt", "voucher-2023.txt", "guide-draft.txt"
OLD_TITLE = "广州市科学技术局关于印发广州市科技创新券实施办法的通知"
NEW_TITLE = "广州市科学技术局关于印发广州市科技创新券管理办法的通知"
QUESTION = "科技创新券每家企业每年最高可以申领多少？"
ADMIN_TOKEN = "validity-admin-token"


def notice(title: str, number: str, amount: str, closing: str, signed: str) -> str:
    return (
        f"广州市科学技术局文件\n{number}\n{title}\n各区科技主管部门，各有关单位：\n"
        "第一条 为降低中小企业创新成本，设立广州市科技创新券。\n"
        f"第二条 科技创新券每家企业每年最高可申领{amount}，用于购买检验检测和研发设计服务。\n"
        f"第三条 {closing}\n广州市科学技术局\n{signed}\n"
    )


FILES = {
    OLD: notice(
        OLD_TITLE,
        "穗科规字〔2019〕1号",
        "50万元",
        "本办法自印发之日起施行，有效期3年。",
        "2019年2月1日",
    ),
    NEW: notice(
        NEW_TITLE,
        "穗科规字〔2023〕4号",
        "80万元",
        "本办法自2023年5月1日起施行，有效期至2035年12月31日。",
        "2023年4月10日",
    ),
    GUIDE: "2036年度广州市科技创新券申报指南（征求意见稿）\n一、申报条件：在广州市注册的中小企业。\n"
    "二、申报时间：另行通知。\n广州市科学技术局\n2035年3月5日\n",
}


def build_library(data_dir: Path, files: dict[str, str] = FILES) -> StoreSettings:
    corpus = data_dir.parent / f"{data_dir.name}-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    warm_cache_into(data_dir)
    settings = make_settings(data_dir)
    results = list(index_outcomes(open_store(settings), process_paths([corpus])))
    assert [r.status for r in results] == ["indexed"] * len(files), results
    return settings


def run_cli(settings: StoreSettings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [POLICY_QA, *args],
        env=cli_env(settings.data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli_json(settings: StoreSettings, *args: str) -> object:
    result = run_cli(settings, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> StoreSettings:
    return build_library(tmp_path_factory.mktemp("validity") / "data")


def test_guessed_metadata_reaches_the_library_listing(library: StoreSettings) -> None:
    rows = {row["doc_id"]: row for row in cli_json(library, "docs")}  # type: ignore[union-attr]
    assert (rows[OLD]["doc_number"], rows[OLD]["validity"]) == ("穗科规字〔2019〕1号", EXPIRED)
    assert (rows[OLD]["effective_from"], rows[OLD]["effective_to"]) == ("2019-02-01", "2022-01-31")
    assert rows[OLD]["issuer"] == "广州市科学技术局" and rows[OLD]["doc_type"] == "policy"
    assert (rows[NEW]["effective_to"], rows[NEW]["validity"]) == ("2035-12-31", CURRENT)
    assert (rows[GUIDE]["doc_type"], rows[GUIDE]["validity"]) == ("guide", DRAFT)
    listing = run_cli(library, "docs").stdout
    assert "已失效" in listing and "穗科规字〔2019〕1号" in listing and "申报指南" in listing


def test_current_document_ranks_before_the_expired_one(library: StoreSettings) -> None:
    """Both say the same sentence but for the amount; the current one comes first."""
    app = open_app(Settings(store=library))
    passages = app.searcher.search("科技创新券每家企业每年最高可申领", 5)
    ranked = [p.doc_id for p in passages if p.doc_id in (OLD, NEW)]
    assert ranked.index(NEW) < ranked.index(OLD)
    new_score = max(p.score for p in passages if p.doc_id == NEW)
    old_score = max(p.score for p in passages if p.doc_id == OLD)
    assert old_score < new_score


def test_the_adjustment_follows_the_status_not_the_document(tmp_path: Path) -> None:
    """Mark the newer notice expired and the older current: now the older ranks first."""
    settings = build_library(tmp_path / "data", {OLD: FILES[OLD], NEW: FILES[NEW]})
    app = open_app(Settings(store=settings))
    app.indexer.set_policy(OLD, {"status": CURRENT}, "test", "test")
    app.indexer.set_policy(NEW, {"status": EXPIRED}, "test", "test")
    app.searcher.index.refresh()
    passages = app.searcher.search("科技创新券每家企业每年最高可申领", 5)
    ranked = [p.doc_id for p in passages if p.doc_id in (OLD, NEW)]
    assert ranked.index(OLD) < ranked.index(NEW)


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_expired_warning_then_superseded_naming_the_replacement(
    tmp_path: Path,
) -> None:
    settings = build_library(tmp_path / "data")
    answer = cli_json(settings, "ask", QUESTION, "--doc", OLD)
    assert answer["citations"][0]["doc_id"] == OLD  # type: ignore[index]
    assert answer["citations"][0]["status"] == EXPIRED  # type: ignore[index]
    warning = next(w for w in answer["warnings"] if OLD_TITLE in w)  # type: ignore[index]
    assert "已失效（有效期至2022-01-31）" in warning and "expired on 2022-01-31" in warning

    changed = run_cli(settings, "docs", "set", OLD, "--superseded-by", NEW)
    assert changed.returncode == 0 and SUPERSEDED in changed.stdout, changed.stderr
    answer = cli_json(settings, "ask", QUESTION, "--doc", OLD)
    assert answer["citations"][0]["status"] == SUPERSEDED  # type: ignore[index]
    assert f"所引《{OLD_TITLE}》已失效（被《{NEW_TITLE}》替代）" in answer["warnings"][0]  # type: ignore[index]
    assert f'replaced by "{NEW_TITLE}"' in answer["warnings"][0]  # type: ignore[index]

    current = cli_json(settings, "ask", QUESTION, "--status", "现行有效")
    assert {c["doc_id"] for c in current["citations"]} == {NEW}  # type: ignore[index]
    assert not [w for w in current["warnings"] if "已失效" in w]  # type: ignore[union-attr]

    bad = run_cli(settings, "docs", "set", OLD, "--status", "过期")
    assert bad.returncode == 1 and "status" in bad.stderr and "Traceback" not in bad.stderr
    entries = [e for e in read_audit(audit_path(settings.data_dir)) if e["what"] == "set"]
    assert [(e["via"], e["doc_id"], e["ok"]) for e in entries] == [
        ("cli", OLD, True),
        ("cli", OLD, False),
    ]
    assert entries[0]["changes"] == {"superseded_by": NEW} and entries[0]["who"].startswith("cli@")


@pytest.mark.slow  # CLI subprocesses over a new index
def test_cli_search_filters_by_status_and_type(library: StoreSettings) -> None:
    def docs_of(*filters: str) -> set[str]:
        hits = cli_json(library, "search", "科技创新券", *filters)
        return {hit["doc_id"] for hit in hits}  # type: ignore[union-attr]

    assert docs_of() == {OLD, NEW, GUIDE}
    assert docs_of("--status", "现行有效") == {NEW}
    assert docs_of("--status", "已失效,征求意见稿") == {OLD, GUIDE}
    assert docs_of("--type", "申报指南") == {GUIDE}
    assert docs_of("--type", "policy", "--status", "expired") == {OLD}
    bad = run_cli(library, "search", "科技创新券", "--type", "小说")
    assert bad.returncode == 2 and "类型" in bad.stderr and "Traceback" not in bad.stderr


def test_admin_edit_survives_reingest_but_guesses_follow_the_text(tmp_path: Path) -> None:
    settings = build_library(tmp_path / "data", {OLD: FILES[OLD]})
    app = open_app(Settings(store=settings))
    app.indexer.set_policy(OLD, {"issuer": "广州市科技局（编辑）"}, "test", "test")
    corpus = tmp_path / "data-corpus"
    (corpus / OLD).write_text(FILES[OLD].replace("〔2019〕1号", "〔2019〕2号"), encoding="utf-8")
    (result,) = index_outcomes(app.store, process_paths([corpus]))
    assert result.status == "indexed"
    record = app.store.document(OLD)
    assert record is not None
    assert record.issuer == "广州市科技局（编辑）"  # the admin's value wins
    assert record.doc_number == "穗科规字〔2019〕2号"  # never edited: the new text's guess
    assert record.edited == "issuer"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, App]]:
    settings = build_library(tmp_path_factory.mktemp("validity-api") / "data")
    app = open_app(Settings(store=settings))
    config = ApiSettings(admin_token=ADMIN_TOKEN, rate_per_minute=0)
    with ThreadedServer(create_api(app, config)) as server:
        yield server.url + "/api/v1", app


def _error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code and body["message_zh"] and body["message_en"]
    return body


def test_api_patch_list_and_filters(api: tuple[str, App]) -> None:
    url, app = api
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    edit = {"superseded_by": NEW, "source_url": "https://kjj.gz.gov.cn/a.html"}
    assert httpx.patch(f"{url}/documents/{OLD}", json=edit).status_code == 401
    response = httpx.patch(f"{url}/documents/{OLD}", json=edit, headers=admin, timeout=60)
    assert response.status_code == 200, response.text
    assert response.json()["validity"] == SUPERSEDED
    listed = {d["doc_id"]: d for d in httpx.get(f"{url}/documents").json()}
    assert listed[OLD]["superseded_by"] == NEW and listed[OLD]["validity"] == SUPERSEDED
    detail = httpx.get(f"{url}/documents/{OLD}").json()
    assert detail["source_url"] == "https://kjj.gz.gov.cn/a.html" and detail["sections"]

    bad = httpx.patch(f"{url}/documents/{OLD}", json={"status": "过期"}, headers=admin)
    assert "状态" in _error(bad, 422, "invalid_metadata")["message_zh"]
    loop = httpx.patch(f"{url}/documents/{OLD}", json={"superseded_by": OLD}, headers=admin)
    _error(loop, 422, "invalid_metadata")
    unknown = httpx.patch(f"{url}/documents/{OLD}", json={"title": "x"}, headers=admin)
    assert unknown.status_code in (400, 422)
    _error(httpx.patch(f"{url}/documents/nope.txt", json={}, headers=admin), 404, "not_found")
    assert app.store.document(OLD).superseded_by == NEW  # type: ignore[union-attr]

    body = {"query": "科技创新券", "filters": {"statuses": ["现行有效"]}}
    hits = httpx.post(f"{url}/search", json=body).json()
    assert {hit["doc_id"] for hit in hits} == {NEW}
    body = {"query": "科技创新券", "filters": {"doc_types": ["申报指南"]}}
    assert {hit["doc_id"] for hit in httpx.post(f"{url}/search", json=body).json()} == {GUIDE}
    asked = httpx.post(
        f"{url}/ask", json={"question": QUESTION, "filters": {"doc_ids": [OLD]}}, timeout=120
    ).json()
    assert any(NEW_TITLE in warning for warning in asked["warnings"])
    body = {"query": "科技创新券", "filters": {"statuses": ["whatever"]}}
    _error(httpx.post(f"{url}/search", json=body), 422, "invalid_filter")
    audit = [e for e in read_audit(audit_path(app.settings.store.data_dir)) if e["what"] == "set"]
    assert audit[0]["via"] == "api" and audit[0]["who"].startswith("admin@") and audit[0]["ok"]


def test_setting_an_upload_date_wins_over_an_earlier_metadata_edit(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    warm_cache_into(data_dir)
    app = open_app(Settings(store=make_settings(data_dir)))
    source = tmp_path / "notice.txt"
    source.write_text(FILES[OLD], encoding="utf-8")
    (uploaded,) = app.indexer.ingest_upload(source, "notice.txt").results
    assert uploaded.ok, uploaded.message
    app.indexer.set_policy(uploaded.doc_id, {"date": "2019-03"}, "test", "test")
    app.indexer.set_upload_date(uploaded.doc_id, "2019-02-02")
    record = app.store.document(uploaded.doc_id)
    assert record is not None and record.date == "2019-02-02"
