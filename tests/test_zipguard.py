"""zipguard on generated archives: limits are checked from the central directory, before unpacking."""

from __future__ import annotations

import io
import zipfile

import pytest

from ingest.errors import IngestError
from ingest.zipguard import check_xml_elements, open_zip


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_small_archive_opens_and_reads() -> None:
    data = make_zip({"word/document.xml": b"<a><b/><c>text</c></a>", "x.bin": b"\x00" * 10})
    archive = open_zip(data, max_members=10, max_uncompressed=1000)
    assert archive.read("x.bin") == b"\x00" * 10
    assert check_xml_elements(archive, max_elements=3) == 3


def test_a_zip_bomb_is_refused_by_its_declared_size() -> None:
    bomb = make_zip({"word/document.xml": b"<w:p/>" * 2_000_000})  # 12 MB from ~12 KB
    assert len(bomb) < 50_000
    with pytest.raises(IngestError) as caught:
        open_zip(bomb, max_members=10, max_uncompressed=1_000_000, path="bomb.docx")
    assert caught.value.path == "bomb.docx"
    assert "压缩炸弹" in caught.value.reason_zh and "zip bomb" in caught.value.reason_en


def test_too_many_members_are_refused() -> None:
    data = make_zip({f"part{n}.xml": b"<a/>" for n in range(20)})
    with pytest.raises(IngestError, match="too many files inside the archive"):
        open_zip(data, max_members=19, max_uncompressed=10**9)
    assert len(open_zip(data, max_members=20, max_uncompressed=10**9).infolist()) == 20


def test_too_many_xml_elements_are_refused_without_parsing() -> None:
    archive = open_zip(
        make_zip({"a.xml": b"<r>" + b"<p/>" * 100 + b"</r>", "b.rels": b"<x/>"}),
        max_members=10,
        max_uncompressed=10**6,
    )
    assert check_xml_elements(archive, max_elements=102) == 102
    with pytest.raises(IngestError, match="too many XML elements"):
        check_xml_elements(archive, max_elements=101)


@pytest.mark.parametrize("data", [b"not a zip at all", b"PK\x03\x04" + b"\x00" * 40])
def test_not_a_zip_is_a_bilingual_load_error(data: bytes) -> None:
    with pytest.raises(IngestError) as caught:
        open_zip(data, max_members=10, max_uncompressed=1000, path="x.docx")
    assert "zip" in caught.value.reason_zh and "corrupt or invalid zip" in caught.value.reason_en


def test_a_corrupt_member_is_a_load_error_not_a_zlib_traceback() -> None:
    data = bytearray(make_zip({"a.xml": b"<r>" + b"<p>hello</p>" * 200 + b"</r>"}))
    payload = data.index(b"a.xml") + len(b"a.xml")  # first local header's data follows the name
    data[payload + 5 : payload + 25] = b"\xff" * 20
    archive = open_zip(bytes(data), max_members=10, max_uncompressed=10**6)
    with pytest.raises(IngestError, match="corrupt or invalid zip archive"):
        check_xml_elements(archive, max_elements=10**6)
