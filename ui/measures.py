"""The 扶持措施 tab: an enterprise profile in, matching support measures out, each cited.

The form's choices come from the staff-editable vocabulary (ingest/data/measure_vocab.json),
the results from the measure catalogue that ingest rebuilds with every document. Results
are citation cards grouped by support type; the same list downloads as Markdown or CSV.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import gradio as gr

from assistant.measure_export import source_of, to_csv, to_markdown
from assistant.measures import Match, MeasureFinder, Profile, grouped
from ingest.measures import vocabulary
from ui.session import Sessions

log = logging.getLogger(__name__)

ANY_REGION = "不限区域"
ANY_STAGE = "不限"
DEFAULT_LIMIT = 10
KEPT_EXPORTS = 20
UNAVAILABLE = "<p class='pqa-meta'>扶持措施目录暂时无法读取，请稍后再试。</p>"
NOTHING = "<p class='pqa-meta'>没有找到符合该企业画像的扶持措施，可减少条件后再试。</p>"


@dataclass(frozen=True)
class Found:
    """What one search shows: the cards, and the two export files."""

    html: str
    markdown: str | None
    csv: str | None


class MeasuresView:
    """The finder as the tab uses it; an unreadable catalogue shows a notice, not an error."""

    def __init__(self, finder: MeasureFinder, exports: Path | None = None) -> None:
        self.finder = finder
        self.exports = exports or Path(tempfile.mkdtemp(prefix="pqa-measures-"))

    def find(
        self,
        region: str,
        industries: Sequence[str],
        beneficiaries: Sequence[str],
        stage: str,
        needs: Sequence[str],
        limit: float = DEFAULT_LIMIT,
    ) -> tuple[str, str | None, str | None]:
        profile = Profile(
            region="" if region == ANY_REGION else region,
            industries=tuple(industries or ()),
            beneficiaries=tuple(beneficiaries or ()),
            stage="" if stage == ANY_STAGE else stage,
            needs=tuple(needs or ()),
        )
        try:
            matches = self.finder.find(profile, max(1, int(limit)))
        except (sqlite3.Error, OSError) as error:
            log.warning("measure catalogue unavailable: %s", error)
            return UNAVAILABLE, None, None
        found = self._found(profile, matches)
        return found.html, found.markdown, found.csv

    def _found(self, profile: Profile, matches: Sequence[Match]) -> Found:
        if not matches:
            return Found(NOTHING, None, None)
        folder = Path(tempfile.mkdtemp(dir=self.exports))
        self._forget_old_exports()
        markdown = folder / "扶持措施.md"
        markdown.write_text(to_markdown(profile, matches), encoding="utf-8")
        table = folder / "扶持措施.csv"
        table.write_text(to_csv(matches), encoding="utf-8-sig")  # BOM: spreadsheets read UTF-8
        return Found(cards(profile, matches), str(markdown), str(table))

    def _forget_old_exports(self) -> None:
        """Keep the latest KEPT_EXPORTS searches' files (Gradio serves copies of them)."""
        folders = sorted(self.exports.iterdir(), key=lambda f: f.stat().st_mtime)
        for old in folders[:-KEPT_EXPORTS]:
            shutil.rmtree(old, ignore_errors=True)


def cards(profile: Profile, matches: Sequence[Match]) -> str:
    """Citation cards grouped by support type; every text escaped, measures verbatim."""
    parts = [
        f"<p class='pqa-meta'>企业画像：{escape(profile.label())} · 共 {len(matches)} 条"
        "（按支持方式分组，组内按匹配程度排序）</p>"
    ]
    n = 0
    for group, members in grouped(matches).items():
        parts.append(f"<h4 class='pqa-measure-group'>{escape(group)}</h4>")
        for match in members:
            n += 1
            parts.append(_card(n, match))
    return "<div id='pqa-measure-list'>" + "".join(parts) + "</div>"


def _card(n: int, match: Match) -> str:
    measure = match.sourced.measure
    notes = "".join(
        f"<div class='pqa-meta'>{label}：{escape('；'.join(values))}</div>"
        for label, values in (
            ("金额", measure.amounts),
            ("条件", measure.conditions),
            ("截止", measure.deadlines),
            ("联系", measure.contacts),
        )
        if values
    )
    return (
        f"<details class='pqa-cite pqa-measure' open><summary><span class='pqa-n'>[{n}]</span> "
        f"<span class='pqa-why'>{escape(match.why)}</span></summary>"
        f"<div class='pqa-passage'>{escape(measure.text)}</div>{notes}"
        f"<div class='pqa-source'>{escape(source_of(match))}</div></details>"
    )


@dataclass(frozen=True)
class MeasuresTab:
    region: gr.Dropdown
    industries: gr.Dropdown
    beneficiaries: gr.Dropdown
    stage: gr.Dropdown
    needs: gr.Dropdown
    button: gr.Button
    results: gr.HTML
    markdown: gr.File
    csv: gr.File


def measures_tab(view: MeasuresView, sessions: Sessions, session: list[gr.State]) -> MeasuresTab:
    """Lay out the tab (inside its Tab) and wire the search (in the session's collections)."""
    vocab = vocabulary()
    gr.Markdown(
        "<span class='pqa-meta'>填写企业画像，查找已收录文档中适用的扶持措施；"
        "每条措施注明匹配原因和出处。标题、统计数字和发展目标不会列为措施。</span>"
    )
    with gr.Row():
        region = gr.Dropdown(
            label="所在区域",
            choices=[ANY_REGION, *vocab.regions],
            value=ANY_REGION,
            elem_id="pqa-measure-region",
        )
        stage = gr.Dropdown(
            label="发展阶段",
            choices=[ANY_STAGE, *vocab.stages],
            value=ANY_STAGE,
            elem_id="pqa-measure-stage",
        )
    with gr.Row():
        industries = gr.Dropdown(
            label="产业领域（可多选）",
            choices=list(vocab.tag_names("industries")),
            multiselect=True,
            elem_id="pqa-measure-industries",
        )
        beneficiaries = gr.Dropdown(
            label="企业类型（可多选）",
            choices=list(vocab.tag_names("beneficiaries")),
            multiselect=True,
            elem_id="pqa-measure-beneficiaries",
        )
        needs = gr.Dropdown(
            label="需求（可多选）",
            choices=list(vocab.needs),
            multiselect=True,
            elem_id="pqa-measure-needs",
        )
    button = gr.Button("查找扶持措施", variant="primary", elem_id="pqa-measure-find")
    results = gr.HTML("", elem_id="pqa-measure-results")
    with gr.Row():
        markdown = gr.File(label="导出文档（.md）", elem_id="pqa-measure-md")
        table = gr.File(label="导出表格（.csv）", elem_id="pqa-measure-csv")
    inputs = [region, industries, beneficiaries, stage, needs]
    button.click(sessions.scoped(view.find), [*inputs, *session], [results, markdown, table])
    return MeasuresTab(
        region, industries, beneficiaries, stage, needs, button, results, markdown, table
    )
