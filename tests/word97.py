"""A minimal Word 97 (.doc) writer for tests: no tool on this machine can save .doc, so the
test builds one from the published formats ([MS-CFB] compound file, [MS-DOC] FIB and piece
table) with only what a reader needs: a FIB, the text as UTF-16 and a one-piece table.

Layout: 512-byte sectors; sector 0 the FAT, 1 the directory, 2 the mini FAT, 3 the (unused)
mini stream, then the WordDocument stream and the 1Table stream, both padded past 4096 bytes
so they live in regular sectors.
"""

from __future__ import annotations

import struct

SECTOR = 512
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
MIN_STREAM = 4096
TEXT_AT = 0x400  # the FIB fits below this offset of the WordDocument stream


def _padded(data: bytes, size: int) -> bytes:
    size = max(size, len(data))
    size += -size % SECTOR
    return data + b"\x00" * (size - len(data))


def _word_document(text: str) -> tuple[bytes, bytes]:
    """The WordDocument stream (FIB + text) and the 1Table stream (the piece table)."""
    encoded = text.encode("utf-16-le")
    clx = b"\x02" + struct.pack("<I", 16) + struct.pack("<II", 0, len(text))
    clx += struct.pack("<HIH", 0, TEXT_AT, 0)  # one piece, Unicode (bit 30 clear)
    # A style sheet with no styles: readers index into it without checking its length.
    stylesheet = struct.pack("<H", 18) + struct.pack("<HHHHHH", 0, 10, 0, 0, 0, 0) + bytes(6)
    stream = bytearray(_padded(b"", max(MIN_STREAM, TEXT_AT + len(encoded))))
    struct.pack_into("<HHHH", stream, 0x00, 0xA5EC, 0x00C1, 0, 0x0804)  # ident, nFib, lid
    struct.pack_into("<HH", stream, 0x0A, 0x0200, 0x00BF)  # 1Table in use, nFibBack
    struct.pack_into("<II", stream, 0x18, TEXT_AT, TEXT_AT + len(encoded))  # fcMin, fcMac
    struct.pack_into("<H", stream, 0x20, 14)  # csw
    struct.pack_into("<H", stream, 0x3E, 22)  # cslw
    struct.pack_into("<I", stream, 0x40, len(stream))  # cbMac
    struct.pack_into("<I", stream, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", stream, 0x98, 93)  # cbRgFcLcb
    struct.pack_into("<II", stream, 0xA2, len(clx), len(stylesheet))  # fcStshf, lcbStshf
    struct.pack_into("<II", stream, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    stream[TEXT_AT : TEXT_AT + len(encoded)] = encoded
    return bytes(stream), _padded(clx + stylesheet, MIN_STREAM)


def _entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", left, right, child)
        + b"\x00" * 36
        + struct.pack("<III", start, size, 0)
    )


def word97_doc(paragraphs: list[str]) -> bytes:
    """A .doc holding `paragraphs` (each ends with Word's paragraph mark, a carriage return)."""
    document, table = _word_document("".join(p + "\r" for p in paragraphs))
    first_document = 4
    first_table = first_document + len(document) // SECTOR
    sectors = first_table + len(table) // SECTOR
    fat = [FAT_SECTOR, END, END, END]
    for start, count in ((first_document, len(document)), (first_table, len(table))):
        blocks = count // SECTOR
        fat += [start + i + 1 for i in range(blocks - 1)] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    assert sectors <= SECTOR // 4, "one FAT sector is enough for a test document"
    header = bytearray(SECTOR)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 0x03, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, MIN_STREAM)  # FAT sectors, dir, txn, cutoff
    struct.pack_into("<IIII", header, 0x3C, 2, 1, END, 0)  # mini FAT at 2, one sector, no DIFAT
    struct.pack_into("<I", header, 0x4C, 0)
    header[0x50:SECTOR] = b"\xff" * (SECTOR - 0x50)
    directory = (
        _entry("Root Entry", 5, NO_STREAM, NO_STREAM, 1, 3, 64)
        + _entry("WordDocument", 2, 2, NO_STREAM, NO_STREAM, first_document, len(document))
        + _entry("1Table", 2, NO_STREAM, NO_STREAM, NO_STREAM, first_table, len(table))
        + _entry("", 0, NO_STREAM, NO_STREAM, NO_STREAM, 0, 0)
    )
    mini_fat = struct.pack("<I", END) + b"\xff" * (SECTOR - 4)
    return (
        bytes(header)
        + struct.pack(f"<{SECTOR // 4}I", *fat)
        + directory
        + mini_fat
        + b"\x00" * SECTOR
        + document
        + table
    )
