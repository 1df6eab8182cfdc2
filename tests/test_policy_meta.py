"""Policy metadata guessed at ingest (文号, issuing body, validity, status, type) on the bundled
corpus and on generated notices written the way Chinese official documents are written."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import docx
import pytest

from ingest.catalog import guess_doc_type, guess_metadata
from ingest.pipeline import FailedFile, ProcessedDocument, process_paths
from ingest.policy import (
    CURRENT,
    DRAFT,
    EXPIRED,
    SUPERSEDED,
    PolicyEditError,
    check_edit,
    effective_status,
)
from ingest.policy_guess import guess_policy

EXPIRED_NOTICE = """广州市科学技术局文件
穗科规字〔2019〕1号
广州市科学技术局关于印发广州市科技创新券实施办法的通知
各区科技主管部门，各有关单位：
根据《广州市人民政府关于加快科技创新的若干政策意见》（穗府〔2015〕10号），现将办法印发给你们。
第二十条 本办法自印发之日起施行，有效期3年。
原文链接：https://kjj.gz.gov.cn/zwgk/notice/1.html
广州市科学技术局
2019年2月1日
"""

# A web page copy: 发文字号 labelled, square brackets, a start date and a Chinese numeral.
WEB_MEASURES = [
    "广州市人民政府办公厅关于印发广州市促进科技成果转化若干措施的通知",
    "发文字号：穗府办规[2021]6号",
    "各区人民政府，市政府各部门、各直属机构：",
    "一、支持高校院所建设技术转移机构，每家给予最高100万元资助。",
    "二、本措施自2021年7月1日起施行，有效期五年。",
    "广州市人民政府办公厅",
    "2021年6月20日",
]

DRAFT_GUIDE = """关于2035年度广州市重点研发计划项目申报指南（征求意见稿）
穗科（2024）12号
一、申报条件：在广州市注册的企业。
二、本指南有效期至2035年12月31日。
广州市科学技术局  广州市财政局
2024年3月5日
"""


def test_a_notice_states_number_issuer_and_a_validity_that_has_ended() -> None:
    title = "广州市科学技术局关于印发广州市科技创新券实施办法的通知"
    meta = guess_metadata("notice.txt", EXPIRED_NOTICE)
    policy = guess_policy(EXPIRED_NOTICE, meta.title, meta.date)
    assert (meta.title, meta.doc_type) == (title, "policy")  # the 版头 and 文号 lines are skipped
    # The 文号 of the header line, never the one the body cites (穗府〔2015〕10号).
    assert policy.doc_number == "穗科规字〔2019〕1号"
    assert policy.issuer == "广州市科学技术局"
    assert (policy.effective_from, policy.effective_to) == ("2019-02-01", "2022-01-31")
    assert policy.status == CURRENT  # as written; the reader sees it derived:
    assert effective_status(policy.status, policy.effective_to, "", ()) == EXPIRED
    assert policy.source_url == "https://kjj.gz.gov.cn/zwgk/notice/1.html"


def test_a_docx_web_copy_with_a_labelled_number_and_a_start_date(tmp_path: Path) -> None:
    built = docx.Document()
    for line in WEB_MEASURES:
        built.add_paragraph(line)
    built.save(tmp_path / "measures.docx")
    (outcome,) = process_paths([tmp_path])
    assert isinstance(outcome, ProcessedDocument)
    policy = outcome.meta.policy
    assert policy.doc_number == "穗府办规[2021]6号"
    assert policy.issuer == "广州市人民政府办公厅"
    assert (policy.effective_from, policy.effective_to) == ("2021-07-01", "2026-06-30")
    assert outcome.meta.doc_type == "policy"  # 措施 … 通知
    assert outcome.meta.date == "2021-06-20"
    validity = (policy.status, policy.effective_to, "", ())
    assert effective_status(*validity, today=date(2026, 6, 30)) == CURRENT
    assert effective_status(*validity, today=date(2026, 7, 1)) == EXPIRED


def test_a_draft_guide_with_joint_issuers_and_an_end_date() -> None:
    meta = guess_metadata("guide.txt", DRAFT_GUIDE)
    policy = guess_policy(DRAFT_GUIDE, meta.title, meta.date)
    assert meta.doc_type == "guide"
    assert policy.doc_number == "穗科（2024）12号"
    assert policy.issuer == "广州市科学技术局  广州市财政局"  # as signed, both bodies
    assert (policy.effective_from, policy.effective_to) == ("", "2035-12-31")
    assert policy.status == DRAFT
    assert effective_status(policy.status, policy.effective_to, "", ()) == DRAFT


def test_a_text_that_states_nothing_gets_blanks_and_is_current() -> None:
    text = "广州新增高新技术企业\n2024年，广州新增高企。根据穗科〔2019〕1号文件执行。"
    policy = guess_policy(text, "广州新增高新技术企业")
    assert policy.doc_number == policy.issuer == policy.effective_from == ""
    assert policy.effective_to == policy.source_url == ""
    assert policy.status == CURRENT


def test_validity_years_from_the_last_day_of_february() -> None:
    text = "本办法自2020年2月29日起施行，有效期两年。"
    assert (
        guess_policy(text, "办法").effective_to == "2022-02-28"
    )  # the day before the anniversary (1 March)


# What each bundled document states, checked by hand: none is an official document with a
# 文号 or a validity clause; 001 and 004 name their authoring body in the heading.
CORPUS_EXPECTED = {
    "000_0e5a863861ba855e.txt": ("", "", "news"),
    "001_70d010b94859217b.txt": ("", "广东省广州市科协", "work_report"),
    "002_eb9130060e5878d8.txt": ("", "", "news"),
    "003_d7285df370a477b8.txt": ("", "", "plan"),
    "004_1da18392a39b6ff1.txt": ("", "广州市科学技术局", "work_report"),
}


def test_the_bundled_corpus(processed_corpus: dict[str, ProcessedDocument]) -> None:
    for doc_id, (number, issuer, doc_type) in CORPUS_EXPECTED.items():
        meta = processed_corpus[doc_id].meta
        policy = meta.policy
        assert (policy.doc_number, policy.issuer, meta.doc_type) == (number, issuer, doc_type)
        assert (policy.effective_from, policy.effective_to, policy.status) == ("", "", CURRENT)
        assert policy.superseded_by == policy.source_url == ""


def test_type_guessed_from_the_bundled_titles(processed_corpus: dict[str, ProcessedDocument]):
    """The catalog's types against what the title alone suggests: 001's title (科协：发挥…优势)
    names no document kind, so it reads as news; the others agree."""
    guessed = {doc_id: guess_doc_type(p.meta.title) for doc_id, p in processed_corpus.items()}
    agree = [doc_id for doc_id, p in processed_corpus.items() if guessed[doc_id] == p.meta.doc_type]
    assert sorted(set(processed_corpus) - set(agree)) == ["001_70d010b94859217b.txt"]


def test_admin_edits_are_checked() -> None:
    record = {"doc_id": "a.txt", "effective_from": "2020-01-01", "effective_to": ""}
    known = ["a.txt", "b.txt"]
    assert check_edit({"status": " 已失效 ", "doc_type": "规划"}, record, known) == {
        "status": EXPIRED,
        "doc_type": "plan",
    }
    assert check_edit({"superseded_by": "b.txt", "source_url": ""}, record, known)
    bad = [
        ({"status": "过期"}, "status"),
        ({"doc_type": "小说"}, "doc_type"),
        ({"effective_to": "2020-13-01"}, "effective_to"),
        ({"effective_to": "2019"}, "effective_to"),  # ends before it starts
        ({"superseded_by": "a.txt"}, "superseded_by"),
        ({"superseded_by": "missing.txt"}, "superseded_by"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"title": "x"}, "title"),
    ]
    for changes, field in bad:
        with pytest.raises(PolicyEditError) as error:
            check_edit(changes, record, known)
        assert error.value.field == field
        assert " / " in str(error.value) and "\n" not in str(error.value)


def test_status_rules() -> None:
    today = date(2026, 1, 1)
    assert effective_status("", "", "", (), today) == CURRENT
    assert effective_status(CURRENT, "2025", "", (), today) == EXPIRED  # a year ends 12-31
    assert effective_status(CURRENT, "2026-01", "", (), today) == CURRENT
    assert effective_status(CURRENT, "", "new.txt", (), today) == SUPERSEDED
    # An admin's explicit status wins over what the dates say.
    assert effective_status(CURRENT, "2020", "", ("status",), today) == CURRENT


def test_what_a_catalog_states_wins_and_the_text_fills_the_rest(tmp_path: Path) -> None:
    """A library imported with its register (catalog.json) keeps the register's 文号 and status;
    what the register leaves out is still read from the text."""
    (tmp_path / "notice.txt").write_text(EXPIRED_NOTICE, encoding="utf-8")
    entry = {
        "title": "广州市科技创新券实施办法",
        "publisher": "广州市科学技术局",
        "date": "2019-02-01",
        "period": "2019",
        "year": 2019,
        "doc_type": "policy",
        "doc_number": "穗科规字〔2019〕9号",
        "status": SUPERSEDED,
        "superseded_by": "newer.txt",
    }
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"documents": {"notice.txt": entry}}), encoding="utf-8")
    (processed,) = process_paths([tmp_path])
    policy = processed.meta.policy
    assert (policy.doc_number, policy.status, policy.superseded_by) == (
        "穗科规字〔2019〕9号",
        SUPERSEDED,
        "newer.txt",
    )
    assert policy.issuer == "广州市科学技术局" and policy.effective_to == "2022-01-31"

    catalog.write_text(
        json.dumps({"documents": {"notice.txt": entry | {"status": "作废"}}}), encoding="utf-8"
    )
    failed, guessed = process_paths([tmp_path])  # reported once; the file is still indexed
    assert isinstance(failed, FailedFile) and "status" in str(failed.error)
    assert "现行有效" in str(failed.error)
    assert isinstance(guessed, ProcessedDocument)
    assert guessed.meta.policy.doc_number == "穗科规字〔2019〕1号"  # read from the text
