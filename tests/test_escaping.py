"""Text fields are plain text: `ask --json` returns document markup as is, the UI escapes it.

A web page that shows "&lt;script&gt;" as text holds the characters "<script>" once extracted;
the JSON contract hands them over unchanged (README: consumers must escape), and the web UI's
rendering (ui.render) must never let them through as HTML.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import warm_cache_into
from tests.helpers import POLICY_QA
from ui import render

pytestmark = pytest.mark.slow

MARKUP = "<script>alert('x')</script>"
PAGE = """<html><head><title>科技专项资金管理办法</title></head><body>
<h1>&lt;script&gt;alert('x')&lt;/script&gt;科技专项资金管理办法</h1>
<p>一、资助标准</p>
<p>科技创新专项资金用于支持企业研发投入，单个项目资助额度最高500万元&lt;script&gt;alert('x')&lt;/script&gt;。</p>
<p>申报单位应为在广州市注册的企业，资助资金须专款专用。</p>
</body></html>"""


@pytest.fixture(scope="module")
def answer_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`policy-qa ask --json` over an index holding only the hostile page (real subprocesses)."""
    root = tmp_path_factory.mktemp("escaping")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "page.html").write_text(PAGE, encoding="utf-8")
    data_dir = root / "data"
    warm_cache_into(data_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHROMA_", "OPENAI_"))}
    env["POLICY_QA_DATA_DIR"] = str(data_dir)

    def policy_qa(*args: str) -> str:
        done = subprocess.run(
            [POLICY_QA, *args], capture_output=True, text=True, env=env, timeout=600
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    policy_qa("ingest", str(corpus))
    return json.loads(policy_qa("ask", "--json", "科技创新专项资金单个项目资助额度最高是多少？"))


def test_ask_json_text_fields_are_plain_text_with_the_markup_unescaped(answer_json: dict) -> None:
    assert not answer_json["refused"]
    citation = answer_json["citations"][0]
    assert MARKUP in citation["text"] and MARKUP in citation["quote"]
    assert MARKUP in answer_json["answer"]
    assert "&lt;" not in json.dumps(answer_json, ensure_ascii=False)


def test_the_ui_renders_that_answer_escaped(answer_json: dict) -> None:
    html = render.answer_message(
        answer_json["answer"], answer_json["citations"], answer_json["warnings"]
    )
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    cards = render.citations_html(answer_json["citations"])
    assert "<script" not in cards
    marked = cards.split("<mark>")[1].split("</mark>")[0]  # the quote, inside its passage
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in marked


def test_a_title_holding_markup_is_escaped_in_the_citation_card(answer_json: dict) -> None:
    citation = {**answer_json["citations"][0], "title": MARKUP + "管理办法"}
    card = render.citation_card(citation)
    assert "<script" not in card and "《&lt;script&gt;" in card
