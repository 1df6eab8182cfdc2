"""Admin uploads: password, size/type/magic checks, safe stored names, ingest that never breaks the index."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from assistant.settings import DEFAULT_UPLOAD_MAX_BYTES, WebSettings
from ingest.errors import ConfigError
from ingest.loaders import MAX_FILE_BYTES
from ingest.uploads import UploadRejected, check_upload, stored_path_for
from tests.conftest import make_settings, warm_cache_into
from ui import guard
from vectorstore.indexer import Indexer, IndexResult
from vectorstore.service import open_store
from vectorstore.store import ChunkStore

GOOD_TEXT = (
    "广州市测试上传文档\n\n一、总体情况\n"
    "本文件用于测试上传功能，测试专项资金为5000万元，由市科技局统一管理。\n"
)


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- password ---------------------------------------------------------------------------------


def test_password_checked_and_required() -> None:
    assert guard.check_password("s3cret-密码", "s3cret-密码")
    assert not guard.check_password("s3cret", "s3cret-密码")
    assert not guard.check_password("", "s3cret")
    assert not guard.check_password(None, "s3cret")
    # No password configured: nobody is admin, even with an empty guess.
    assert not guard.check_password("", None)
    assert not guard.check_password("anything", None)


def test_password_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = guard.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", spy)
    assert not guard.check_password("guess", "secret")
    assert calls == [(b"guess", b"secret")]


def test_upload_disabled_without_configured_password() -> None:
    assert WebSettings.from_env({}).admin_password is None
    assert WebSettings.from_env({"POLICY_QA_ADMIN_PASSWORD": "   "}).admin_password is None
    assert WebSettings.from_env({"POLICY_QA_ADMIN_PASSWORD": "pw"}).admin_password == "pw"
    assert "pw" not in repr(WebSettings.from_env({"POLICY_QA_ADMIN_PASSWORD": "pw"}))


def test_upload_limit_from_env() -> None:
    assert WebSettings.from_env({}).upload_max_bytes == DEFAULT_UPLOAD_MAX_BYTES
    assert WebSettings.from_env({"POLICY_QA_UPLOAD_MAX_MB": "1"}).upload_max_bytes == 1024 * 1024
    top = {"POLICY_QA_UPLOAD_MAX_MB": str(MAX_FILE_BYTES // (1024 * 1024))}
    assert WebSettings.from_env(top).upload_max_bytes == MAX_FILE_BYTES


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "99999"])
def test_bad_upload_limit_is_an_error_not_ignored(raw: str) -> None:
    with pytest.raises(ConfigError) as bad:
        WebSettings.from_env({"POLICY_QA_UPLOAD_MAX_MB": raw})
    assert "POLICY_QA_UPLOAD_MAX_MB" in bad.value.message_zh and raw in bad.value.message_en


# -- file checks ------------------------------------------------------------------------------


def test_good_files_pass(tmp_path: Path) -> None:
    assert check_upload("a.txt", write(tmp_path, "a.txt", GOOD_TEXT.encode()), 10_000) == "txt"
    assert check_upload("a.md", write(tmp_path, "a.md", b"# t\n\nbody"), 10_000) == "md"
    assert check_upload("A.HTML", write(tmp_path, "a.html", b"<p>x</p>"), 10_000) == "html"
    assert check_upload("a.pdf", write(tmp_path, "a.pdf", b"%PDF-1.4\n..."), 10_000) == "pdf"
    assert check_upload("a.docx", write(tmp_path, "a.docx", docx_bytes("x")), 100_000) == "docx"
    utf16 = "广州".encode("utf-16")
    assert check_upload("u.txt", write(tmp_path, "u.txt", utf16), 10_000) == "txt"


@pytest.mark.parametrize(
    ("name", "data", "zh", "en"),
    [
        ("big.txt", b"x" * 2001, "文件过大", "too large"),
        ("empty.txt", b"", "文件为空", "empty"),
        ("evil.exe", b"MZ\x90\x00", "不支持的文件类型", "unsupported file type"),
        ("noext", b"hello", "无扩展名", "unsupported"),
        ("fake.pdf", "这其实是文本".encode(), "不是 PDF", "not a PDF"),
        ("fake.docx", b"plain text pretending", "不是有效的 Word", "not a valid Word"),
        ("zip.docx", b"", "不是有效的 Word", "not a valid Word"),  # filled below: zip without word/
        ("doc.txt", b"%PDF-1.7 binary", "内容是 PDF", "content is a PDF"),
        ("bin.md", b"\x00\x01\x02\x03abc", "二进制", "binary"),
    ],
)
def test_bad_files_refused_with_bilingual_message(
    tmp_path: Path, name: str, data: bytes, zh: str, en: str
) -> None:
    if name == "zip.docx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a word document")
        data = buffer.getvalue()
    path = write(tmp_path, "upload.bin", data)
    with pytest.raises(UploadRejected) as caught:
        check_upload(name, path, 2000)
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en


# -- stored names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../../x.txt",
        "..\\..\\windows\\x.txt",
        "/etc/passwd.txt",
        ".hidden.txt",
        "....txt",
        "a/../../b.md",
        "<script>.txt",
        "名字 含 空格&符号.docx",
        "x" * 500 + ".txt",
    ],
)
def test_stored_names_stay_inside_uploads_dir(tmp_path: Path, name: str) -> None:
    target_dir = tmp_path / "data" / "uploads"
    stored = stored_path_for(name, target_dir)
    assert stored.parent == target_dir.resolve()
    assert not stored.name.startswith(".")
    assert "/" not in stored.name and "\\" not in stored.name and ".." not in stored.name
    assert len(stored.name) < 80
    assert stored.suffix in {".txt", ".md", ".docx"}


def test_duplicate_names_get_distinct_stored_names(tmp_path: Path) -> None:
    first = stored_path_for("报告.txt", tmp_path)
    first.write_text("a")
    second = stored_path_for("报告.txt", tmp_path)
    assert first != second
    assert first.name.endswith("_报告.txt") and second.name.endswith("_报告.txt")


# -- ingest into a tiny store -----------------------------------------------------------------


def ingest_upload(
    path: Path,
    name: str,
    store: ChunkStore,
    max_bytes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IndexResult:
    """One upload through the indexing service; an upload's report holds one result."""
    report = Indexer(store).ingest_upload(path, name, max_bytes, progress)
    assert len(report.results) == 1
    return report.results[0]


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> ChunkStore:
    data_dir = tmp_path_factory.mktemp("upload-store")
    warm_cache_into(data_dir)
    return open_store(make_settings(data_dir))


def test_upload_ingests_good_file_and_refuses_bad_ones(
    tiny_store: ChunkStore, tmp_path: Path
) -> None:
    data_dir = tiny_store.settings.data_dir
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    steps: list[tuple[int, int]] = []
    good = write(incoming, "x.txt", GOOD_TEXT.encode())
    result = ingest_upload(
        good, "../../x.txt", tiny_store, 100_000, lambda d, t: steps.append((d, t))
    )
    assert result.ok, result.message
    assert result.stored_path is not None
    assert result.stored_path.parent == (data_dir / "uploads").resolve()
    assert result.stored_path.name.endswith("_x.txt")
    assert not (data_dir.parent / "x.txt").exists()
    assert steps and steps[-1][0] == steps[-1][1] == result.chunks
    documents = {d.doc_id: d for d in tiny_store.documents()}
    assert result.doc_id in documents
    assert "测试专项资金为5000万元" in tiny_store.document_text(result.doc_id)

    # The same bytes again (any name): skipped, no second copy.
    again = ingest_upload(good, "x.txt", tiny_store, 100_000)
    assert not again.ok and "已跳过" in again.message
    assert len(list((data_dir / "uploads").iterdir())) == 1

    bad_files = {
        "big.txt": b"x" * 200_001,
        "empty.txt": b"",
        "lying.pdf": "文本".encode(),
        "corrupt.pdf": b"%PDF-1.4\nthis is not really a pdf",
        "corrupt.docx": b"",
        "whitespace.txt": b"   \n\n  ",
        "evil.sh": b"rm -rf /",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-xml")
        archive.writestr("[Content_Types].xml", "garbage")
    bad_files["corrupt.docx"] = buffer.getvalue()
    before = [(d.doc_id, d.version) for d in tiny_store.documents()]
    for name, data in bad_files.items():
        path = write(incoming, "upload-" + name, data)
        outcome = ingest_upload(path, name, tiny_store, 100_000)
        assert not outcome.ok, name
        assert " / " in outcome.message, outcome.message  # Chinese / English
    assert [(d.doc_id, d.version) for d in tiny_store.documents()] == before
    assert len(list((data_dir / "uploads").iterdir())) == 1  # rejected files are not kept


def test_upload_of_docx_indexes(tiny_store: ChunkStore, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.docx",
        docx_bytes("广州市数字经济促进措施\n一、目标\n到2026年数字经济规模达到3万亿元。"),
    )
    result = ingest_upload(path, "政策.docx", tiny_store, 1_000_000)
    assert result.ok, result.message
    assert "3万亿元" in tiny_store.document_text(result.doc_id)


def test_upload_date_is_a_stated_publication_date_or_unknown_until_set(
    tiny_store: ChunkStore, tmp_path: Path
) -> None:
    call = (
        "广州市关于申报2024年度科技项目的通知\n\n一、申报时间\n"
        "申报时间为2024年3月1日至2024年4月30日，逾期不予受理。\n"
    )
    signed = "广州市科技创新奖励办法\n\n一、奖励\n对认定企业奖励50万元。\n广州市科学技术局\n2023年12月5日\n"
    unknown = ingest_upload(write(tmp_path, "c.txt", call.encode()), "c.txt", tiny_store)
    dated = ingest_upload(write(tmp_path, "s.txt", signed.encode()), "s.txt", tiny_store)
    assert unknown.ok and dated.ok
    assert tiny_store.document(unknown.doc_id).date == ""  # the deadline is not a publication date
    assert tiny_store.document(dated.doc_id).date == "2023-12-05"
    assert tiny_store.document(dated.doc_id).year == 2023
    assert tiny_store.document(unknown.doc_id).year != 0  # a year or None, never a fake 0

    indexer = Indexer(tiny_store)
    assert indexer.set_upload_date(unknown.doc_id, "2024-02") == "2024-02"
    record = tiny_store.document(unknown.doc_id)
    assert record.date == "2024-02" and record.chunk_count == unknown.chunks
    with pytest.raises(UploadRejected):
        indexer.set_upload_date(unknown.doc_id, "next year")
    with pytest.raises(UploadRejected):
        indexer.set_upload_date("003_d7285df370a477b8.txt", "2024")


def test_indexer_deletes_a_document_and_reports_a_missing_one(
    tiny_store: ChunkStore, tmp_path: Path
) -> None:
    indexer = Indexer(tiny_store)
    text = "广州市删除测试文档\n\n一、内容\n本文件用于测试删除，专项经费为1234万元。\n"
    added = ingest_upload(write(tmp_path, "del.txt", text.encode()), "del.txt", tiny_store)
    assert added.ok and tiny_store.document(added.doc_id) is not None

    report = indexer.delete(added.doc_id)
    assert [r.status for r in report.results] == ["deleted"] and report.exit_code == 0
    assert tiny_store.document(added.doc_id) is None
    assert added.doc_id not in {d.doc_id for d in tiny_store.documents()}

    again = indexer.delete(added.doc_id)
    assert [r.status for r in again.results] == ["error"] and again.exit_code == 1
    assert added.doc_id in again.failed[0].message and " / " in again.failed[0].message
