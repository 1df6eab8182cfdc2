"""Hostile inputs, generated at any size: the fast suite checks them small for correctness,
the `bench` tests check them big against time and memory ceilings."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
_CJK = "广州科技创新政策企业研发投入高新技术黄埔区瞪羚新型机构国家中心目标完成值预期性人才平台"


def punctuation_free_line(chars: int, seed: int = 5) -> str:
    """One line of Chinese characters with no punctuation and no line break: nothing to split at."""
    rng = random.Random(seed)
    return "".join(rng.choices(_CJK, k=chars))


def one_long_paragraph(chars: int) -> str:
    """Real corpus sentences joined into a single line of `chars` characters."""
    lines = (CORPUS / "003_d7285df370a477b8.txt").read_text(encoding="utf-8").split("\n")
    prose = "".join(line.strip() for line in lines if "。" in line)
    return (prose * (chars // len(prose) + 1))[:chars]


def repeated_corpus(times: int) -> str:
    """A corpus document concatenated `times` times plus table cells that repeat, which the
    cleaner keeps (short lines legitimately repeat) and the table rebuilder does not claim."""
    text = (CORPUS / "000_0e5a863861ba855e.txt").read_text(encoding="utf-8")
    cells = "\n指标\n属性\n预期性\n预期性\n约束性\n预期性\n"
    return (text + cells) * times


def _docx_with_body(body_xml: str, repeat: str = "", times: int = 0) -> bytes:
    """A real python-docx package whose document body is `body_xml` followed by `repeat`
    written `times` times (streamed into the zip, so a gigabyte body needs little memory)."""
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    head = source.read("word/document.xml").decode().split("<w:body>")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                archive.writestr(member, source.read(member))
                continue
            with archive.open(member.filename, "w", force_zip64=True) as document:
                document.write(f"{head}<w:body>{body_xml}".encode())
                block = repeat.encode() * 100_000
                for _ in range(times // 100_000):
                    document.write(block)
                document.write(repeat.encode() * (times % 100_000))
                document.write(b"<w:sectPr/></w:body></w:document>")
    return out.getvalue()


def empty_paragraphs_docx(paragraphs: int, text: str = "正文段落。") -> bytes:
    """A .docx of `paragraphs` empty paragraphs after one paragraph of text."""
    return _docx_with_body(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>", "<w:p/>", paragraphs)


def zip_bomb_docx(unpacked_bytes: int) -> bytes:
    """A .docx whose document.xml unpacks to about `unpacked_bytes` (kilobytes on disk)."""
    return _docx_with_body("", "<w:p/>", unpacked_bytes // 6)


def paragraphs_page(paragraphs: int) -> str:
    """A web page of `paragraphs` short paragraphs (each one element and one text)."""
    body = "".join(f"<p>第{n}段</p>" for n in range(paragraphs))
    return f"<html><head><title>段落</title></head><body>{body}</body></html>"
