"""Open zip-based uploads (.docx, .xlsx, OFD) only after checking what they would unpack to.

A few hundred kilobytes of zip can declare gigabytes of XML: parsing it takes all memory. The
central directory states each member's size before anything is decompressed, and Python's
zipfile never returns more bytes than a member declares (it stops at `file_size` and checks
the CRC), so checking the declared sizes bounds what a reader can unpack. XML element counts
bound the parsed tree, which costs far more memory per byte than the XML text itself.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from ingest.errors import IngestError

XML_SUFFIXES = (".xml", ".rels")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError)


def open_zip(
    data: bytes, *, max_members: int, max_uncompressed: int, path: str | Path = ""
) -> zipfile.ZipFile:
    """The archive in `data`, refused (IngestError) when it has too many members or would
    unpack to more than `max_uncompressed` bytes; `path` only names the file in the error."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise _invalid_zip(path, exc) from None
    if len(members) > max_members:
        archive.close()
        raise IngestError(
            str(path),
            f"压缩包内文件过多（{len(members)} 个，上限 {max_members} 个）",
            f"too many files inside the archive ({len(members)}, limit {max_members})",
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_uncompressed:
        archive.close()
        raise IngestError(
            str(path),
            f"解压后过大（{unpacked} 字节，上限 {max_uncompressed} 字节），可能是压缩炸弹",
            f"unpacks to {unpacked} bytes (limit {max_uncompressed}); possibly a zip bomb",
        )
    return archive


def check_xml_elements(
    archive: zipfile.ZipFile, *, max_elements: int, path: str | Path = ""
) -> int:
    """Count the XML elements of every XML member and refuse the file above `max_elements`.

    Counting start tags in the raw bytes is linear and needs no parse tree; it can only
    over-count (comments and processing instructions), never miss an element.
    """
    total = 0
    for member in archive.infolist():
        if not member.filename.lower().endswith(XML_SUFFIXES):
            continue
        try:
            xml = archive.read(member)
        except _ZIP_ERRORS as exc:
            raise _invalid_zip(path, exc) from None
        total += xml.count(b"<") - xml.count(b"</")
        if total > max_elements:
            raise IngestError(
                str(path),
                f"文档结构元素过多（超过 {max_elements} 个），无法安全解析",
                f"too many XML elements (over {max_elements}); refusing to parse",
            )
    return total


def _invalid_zip(path: str | Path, exc: Exception) -> IngestError:
    detail = f"{type(exc).__name__}: {exc}"[:200]
    return IngestError(
        str(path),
        f"zip 压缩包已损坏或格式无效（{detail}）",
        f"corrupt or invalid zip archive ({detail})",
    )
