"""A bigger corpus for the benchmark: the bundled one copied N times, each copy a little different.

Identical copies would make every BM25 statistic and every answer a multiple of the 1x ones.
Each copy therefore:
- titles its documents with the copy number (titles are BM25 text, not embedded text);
- in a few lines of its documents that hold figures (`varied_lines` per copy, chosen by a
  seeded draw), adds the copy number to every figure that is not a year and rotates the
  district names (黄埔区 -> 天河区 -> ...).

Everything else stays byte-identical, so its chunks reuse the embedding cache (the cache is
keyed by text hash) and only the chunks around a varied line are embedded: the benchmark stays
minutes long at 100x while its index holds 100 different versions of each document.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

DISTRICTS = (
    "黄埔区",
    "天河区",
    "海珠区",
    "番禺区",
    "南沙区",
    "越秀区",
    "白云区",
    "花都区",
    "增城区",
    "从化区",
    "荔湾区",
)
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_DISTRICT = re.compile("|".join(DISTRICTS))


def is_year(figure: str) -> bool:
    return len(figure) == 4 and figure.isdigit() and 1950 <= int(figure) <= 2060


def vary_line(line: str, copy: int) -> str:
    """Figures (except years) shifted by `copy`, district names rotated by `copy` places."""

    def shift(match: re.Match[str]) -> str:
        figure = match.group()
        if is_year(figure):
            return figure
        if "." in figure:
            whole, fraction = figure.split(".")
            return f"{int(whole) + copy}.{fraction}"
        return str(int(figure) + copy)

    def rotate(match: re.Match[str]) -> str:
        return DISTRICTS[(DISTRICTS.index(match.group()) + copy) % len(DISTRICTS)]

    return _DISTRICT.sub(rotate, _FIGURE.sub(shift, line))


def varied_text(text: str, copy: int, chosen: set[int]) -> str:
    lines = text.split("\n")
    return "\n".join(vary_line(line, copy) if i in chosen else line for i, line in enumerate(lines))


def replicate(corpus: Path, target: Path, scale: int, varied_lines: int, seed: int = 17) -> Path:
    """The corpus `scale` times under copyNN/ folders (new doc ids), varied as described above."""
    catalog_path = corpus / "catalog.json"
    catalog = (
        json.loads(catalog_path.read_text(encoding="utf-8"))
        if catalog_path.is_file()
        else {"documents": {}}
    )
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "catalog.json")
    texts = {f.name: f.read_text(encoding="utf-8") for f in files if f.suffix in (".txt", ".md")}
    with_figures = [
        (name, i)
        for name, text in sorted(texts.items())
        for i, line in enumerate(text.split("\n"))
        if any(not is_year(f) for f in _FIGURE.findall(line))
    ]
    entries = {}
    for copy in range(1, scale + 1):
        folder = target / f"copy{copy:03d}"
        folder.mkdir(parents=True)
        draw = random.Random(seed * 100_003 + copy)
        picked = draw.sample(with_figures, min(varied_lines, len(with_figures)))
        for file in files:
            if file.name in texts:
                chosen = {i for name, i in picked if name == file.name}
                varied = varied_text(texts[file.name], copy, chosen)
                (folder / file.name).write_text(varied, encoding="utf-8")
            else:
                shutil.copyfile(file, folder / file.name)
            if file.name in catalog["documents"]:
                entry = dict(catalog["documents"][file.name])
                entry["title"] = f"{entry.get('title', file.stem)}（副本{copy}）"
                entries[f"{folder.name}/{file.name}"] = entry
    (target / "catalog.json").write_text(
        json.dumps({"documents": entries}, ensure_ascii=False), encoding="utf-8"
    )
    return target
