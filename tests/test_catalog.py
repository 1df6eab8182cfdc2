"""The bundled catalog is complete and valid; guessing works on real-looking and hostile text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.catalog import DOC_TYPES, DocMeta, guess_metadata, load_catalog, metadata_for
from ingest.errors import IngestError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

NOTICE = """
关于组织申报2023年度广州市重点研发计划项目的通知

各有关单位：
　　为贯彻落实创新驱动发展战略，现将有关事项通知如下。
　　一、申报时间截至2023年6月30日。

广州市科学技术局
2023年5月6日
"""


@pytest.fixture(scope="module")
def catalog() -> dict[str, DocMeta]:
    return load_catalog(CORPUS)


def test_bundled_catalog_covers_every_corpus_file(catalog: dict[str, DocMeta]) -> None:
    assert set(catalog) == {path.name for path in CORPUS.glob("*.txt")}
    for doc_id, meta in catalog.items():
        assert meta.title and meta.publisher and meta.date and meta.period, doc_id
        assert ISO_DATE.fullmatch(meta.date), doc_id
        assert meta.doc_type in DOC_TYPES
        assert isinstance(meta.year, int)
        assert not meta.guessed


def test_bundled_catalog_dates_follow_the_text(catalog: dict[str, DocMeta]) -> None:
    """The values the text states outright; see each entry's note for the estimated ones."""
    assert catalog["001_70d010b94859217b.txt"].date == "2021-07-19"
    assert catalog["002_eb9130060e5878d8.txt"].year == 2024
    plan = catalog["003_d7285df370a477b8.txt"]
    assert (plan.period, plan.doc_type) == ("2021–2025", "plan")
    report = catalog["004_1da18392a39b6ff1.txt"]
    assert (report.publisher, report.period, report.year) == ("广州市科学技术局", "2018–2019", 2018)
    assert report.doc_type == "work_report"


def test_catalog_entry_wins_over_guessing(catalog: dict[str, DocMeta]) -> None:
    doc_id = "000_0e5a863861ba855e.txt"
    assert metadata_for(doc_id, "完全不同的文字", catalog) is catalog[doc_id]


def test_unlisted_notice_is_guessed_from_its_sign_off(catalog: dict[str, DocMeta]) -> None:
    """The deadline inside the text is later than the signing date, but the signing date wins."""
    meta = metadata_for("new/notice.txt", NOTICE, catalog)
    assert meta == DocMeta(
        title="关于组织申报2023年度广州市重点研发计划项目的通知",
        publisher="广州市科学技术局",
        date="2023-05-06",
        period="2023",
        year=2023,
        doc_type="guide",  # a call for applications (组织申报) is a 申报指南
        guessed=True,
    )


def test_news_byline_gives_publisher_and_is_not_the_title() -> None:
    text = "文/羊城晚报记者 张三\n图/广州市科技局\n\n广州新增高新技术企业\n\n2024年，广州新增高企。2024年成绩亮眼。"
    meta = guess_metadata("news.txt", text)
    assert (meta.title, meta.publisher, meta.date, meta.year) == (
        "广州新增高新技术企业",
        "羊城晚报",
        "2024",
        2024,
    )


def test_publisher_from_a_sign_off_at_the_end() -> None:
    text = (
        "关于做好科技统计工作的通知\n"
        + "各单位要按时报送统计数据。" * 100
        + "\n广州市黄埔区科学技术局\n"
    )
    assert guess_metadata("n.txt", text).publisher == "广州市黄埔区科学技术局"


def test_title_takes_a_dash_subtitle_and_skips_headings() -> None:
    text = "前言\n\n强化科技创新引领\n——广州市科学技术局 2018 年工作总结\n\n2018 年，我局……。"
    meta = guess_metadata("report.txt", text)
    assert meta.title == "强化科技创新引领——广州市科学技术局 2018 年工作总结"
    assert meta.doc_type == "work_report"


@pytest.mark.parametrize(
    "written",
    [
        "2021-07-19",
        "2021/7/19",
        "2021.07.19",
        "2021年7月19日",
        "2021 年 7 月 19 日",
        "二〇二一年七月十九日",
    ],
)
def test_date_formats(written: str) -> None:
    assert guess_metadata("d.txt", f"发布日期：{written}").date == "2021-07-19"


def test_latest_valid_full_date_wins() -> None:
    text = "2020年1月2日印发。2021年3月4日修订。2021年2月30日（无效日期）。二〇二二年十二月三十一日"
    assert guess_metadata("d.txt", text).date == "2022-12-31"


def test_year_only_text_uses_the_most_mentioned_year() -> None:
    meta = guess_metadata("d.txt", "2021年开局。2022年增长。2022年目标完成。")
    assert (meta.date, meta.year, meta.period) == ("2022", 2022, "2022")


@pytest.mark.parametrize("text", ["", "hello", "\n\n\n", "   ", "。。。", "一", "x" * 100_000])
def test_guessing_never_crashes_on_degenerate_text(text: str) -> None:
    meta = metadata_for("dir/some-file.txt", text, {})
    assert meta.guessed
    assert meta.title in {"hello", "some-file"}
    assert meta.date == "" and meta.year is None


@given(st.text(max_size=400))
def test_guessing_never_crashes_on_any_text(text: str) -> None:
    meta = guess_metadata("any.txt", text)
    assert meta.title
    assert meta.date == "" or ISO_DATE.fullmatch(meta.date)


def test_missing_catalog_means_everything_is_guessed(tmp_path: Path) -> None:
    assert load_catalog(tmp_path) == {}


def write_catalog(directory: Path, content: str) -> Path:
    path = directory / "catalog.json"
    path.write_text(content, encoding="utf-8")
    return path


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    path = write_catalog(tmp_path, '{"documents": {"a.txt": {"title": }}}')
    with pytest.raises(IngestError) as caught:
        load_catalog(tmp_path)
    assert caught.value.path == str(path)
    assert "line 1" in caught.value.reason_en and "JSON" in caught.value.reason_zh


GOOD_ENTRY = {
    "title": "标题",
    "publisher": "广州市科学技术局",
    "date": "2023-05",
    "period": "2023",
    "year": 2023,
    "doc_type": "policy",
}


@pytest.mark.parametrize(
    "change",
    [
        {"date": "2023年5月"},
        {"date": "2023-13"},
        {"doc_type": "memo"},
        {"year": "2023"},
        {"year": True},
        {"title": None},
        {"pubisher": "typo"},
    ],
    ids=["date", "month", "doc_type", "year-string", "year-bool", "title-null", "unknown-key"],
)
def test_invalid_entries_are_rejected(tmp_path: Path, change: dict[str, object]) -> None:
    write_catalog(tmp_path, json.dumps({"documents": {"a.txt": GOOD_ENTRY | change}}))
    with pytest.raises(IngestError, match="malformed catalog"):
        load_catalog(tmp_path)


def test_missing_key_and_wrong_shape_are_rejected(tmp_path: Path) -> None:
    entry = {key: value for key, value in GOOD_ENTRY.items() if key != "period"}
    for content in [{"documents": {"a.txt": entry}}, {"docs": {}}, [], {"documents": {"a.txt": 1}}]:
        write_catalog(tmp_path, json.dumps(content))
        with pytest.raises(IngestError, match="malformed catalog"):
            load_catalog(tmp_path)


def test_valid_entry_with_note_loads(tmp_path: Path) -> None:
    write_catalog(tmp_path, json.dumps({"documents": {"a.txt": GOOD_ENTRY | {"note": "why"}}}))
    assert load_catalog(tmp_path)["a.txt"] == DocMeta(**GOOD_ENTRY, guessed=False)
