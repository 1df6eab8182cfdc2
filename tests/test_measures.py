"""The measure catalogue: extraction from a fictitious 申报指南, the corpus, storage, matching."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assistant.measures import MeasureFinder, Profile, applicable_levels, grouped
from ingest.measures import extract_measures, is_measure, tag_text
from ingest.pipeline import ProcessedDocument, process_paths
from vectorstore.measures import MeasureStore
from vectorstore.settings import StoreSettings

# Clearly fictitious: an invented office, programme, phone number and a date far ahead.
GUIDE = """示例市黄埔区虚构科技局关于申报2099年度示例专项资金的通知（测试用文档，纯属虚构）

一、支持对象
注册在黄埔区的生物医药领域高新技术企业，上年度研发投入不低于500万元。

二、支持方式和标准
对符合条件的高新技术企业给予研发费用补贴，最高500万元。
对新认定的科技型中小企业给予一次性奖励，每家10万元。
支持孵化器为初创企业提供场地，按实际面积给予租金补贴。

三、申报时间
申报截止时间为2099年3月31日17时，逾期不予受理。

四、联系方式
联系人：张示例，联系电话：020-00000000（虚构）。
"""

PLAN = "003_d7285df370a477b8.txt"
WORK_REPORT = "004_1da18392a39b6ff1.txt"


@pytest.fixture(scope="module")
def guide(tmp_path_factory: pytest.TempPathFactory) -> ProcessedDocument:
    folder = tmp_path_factory.mktemp("guide")
    (folder / "guide.txt").write_text(GUIDE, encoding="utf-8")
    [document] = [d for d in process_paths([folder]) if isinstance(d, ProcessedDocument)]
    return document


def test_a_guide_yields_its_measures_with_amounts_conditions_deadline_and_contact(
    guide: ProcessedDocument,
) -> None:
    measures = {m.text: m for m in extract_measures(guide)}
    subsidy = next(m for text, m in measures.items() if "最高500万元" in text)
    assert subsidy.amounts == ("最高500万元",)
    assert "高新技术企业" in subsidy.beneficiaries
    assert "资金补贴/奖励" in subsidy.support_types
    assert any("符合条件的" in c for c in subsidy.conditions)
    assert any("不低于500万元" in c for c in subsidy.conditions)  # from 支持对象
    assert any("2099年3月31日" in d for d in subsidy.deadlines)
    assert any("020-00000000" in c for c in subsidy.contacts)
    reward = next(m for text, m in measures.items() if "每家10万元" in text)
    assert "科技型中小企业" in reward.beneficiaries
    space = next(m for text, m in measures.items() if "孵化器" in text)
    assert {"孵化器/众创空间", "初创企业"} <= set(space.beneficiaries)
    # Headings, the deadline and the contact line are not measures.
    assert not any(text.startswith(("一、", "三、", "联系人", "申报截止")) for text in measures)
    # The span is the cleaned text's: a citation quotes it verbatim.
    assert all(guide.cleaned[m.start : m.end] == m.text for m in measures.values())


@pytest.mark.parametrize(
    "sentence",
    [
        "2.加快高新技术企业自主创新能力提升。",
        "获贷企业资质普遍较好，高新技术企业占 80%，首次获贷企业占 36%。",
        "到2025年,科技型中小企业备案数达3000家,高新技术企业数量达2600家。",
        "力争到 2020 年，科技创新企业总数突破 25 万家。",
        "加大政策支持力度。",
    ],
)
def test_headings_statistics_and_goals_are_not_measures(sentence: str) -> None:
    assert not is_measure(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # an institution's own programme
        "依托中科院金属所,瞄准市发展装备制造、能源材料、海洋科技需求,打造基础研究、技术研发"
        "全链条的新型研发机构。",
        # a period summary with the area as its subject
        "“十四五”期间,黄埔区、广州开发区将构建以创新大道为主轴,以知识城、科学城为核心的"
        "“123”科技创新空间布局,推动全区科技创新资源空间优化配置。",
        # a principle: 发挥…作用 and 打造…节点 commit no support
        "进一步发挥国家新型显示技术、国家印刷及柔性显示等国家创新中心引领示范作用,"
        "打造国家技术创新体系战略节点。",
        # news: what happened, with a body as its subject
        "南方海洋科学与工程广东省实验室加紧筹建，广东省新一代通信与网络创新研究院启动建设。",
    ],
)
def test_descriptions_of_an_institution_an_area_or_a_principle_are_not_measures(
    sentence: str,
) -> None:
    assert not is_measure(sentence)


def test_a_measure_that_relies_on_an_area_or_opens_with_its_period_stays_a_measure() -> None:
    assert is_measure(
        "依托5G车联网(智能网联汽车)先导区建设,加快发展智能网联汽车产业生态体系,"
        "分阶段、分区域推进现有道路基础设施的适应性改造和智能化基础设施建设。"
    )
    assert is_measure(
        "“十四五”期间,着力推动广东省新黄埔中医药联合创新研究院等已落户的高端创新平台"
        "加快进入省高水平创新研究院序列。"
    )
    assert is_measure("加快筹建黄埔大学,推动国家火炬创新学院落地,加快知识城科教创新区建设。")


def test_support_sentences_are_measures_and_the_longest_word_tags_them() -> None:
    assert is_measure("鼓励科技型中小企业开展知识产权质押融资,推动发行知识产权资产证券化产品。")
    assert is_measure("与省科技厅共同设立开放基金，每年投入 8000 万元，共同支持基础研究。")
    assert tag_text("提高纯电动新能源汽车比重", "industries") == ("新能源/智能网联汽车",)
    assert "外资/港澳台" not in tag_text("建设粤港澳大湾区科技成果转化基金", "beneficiaries")


def test_the_corpus_catalogue_cites_real_spans(
    processed_corpus: dict[str, ProcessedDocument],
) -> None:
    plan = processed_corpus[PLAN]
    measures = extract_measures(plan)
    assert len(measures) > 100
    assert all(plan.cleaned[m.start : m.end] == m.text for m in measures)
    assert {m.level for m in measures} == {"黄埔区、广州开发区"}
    assert all(m.chunk_id and m.section for m in measures)
    assert not any(m.text.startswith("2.加快高新技术企业自主创新能力提升") for m in measures)
    backing = next(m for m in measures if "予以重点扶持" in m.text)
    assert backing.conditions == ("对承担国家关键核心技术攻关项目或填补国内技术空白的民营中小企业",)
    # 「截至2022年底」 dates a figure; it is no deadline, and no corpus document states one.
    everything = [m for doc in processed_corpus.values() for m in extract_measures(doc)]
    assert not any(m.deadlines or m.contacts for m in everything)
    assert not any("需求" in c or c.startswith("经济") for m in everything for c in m.conditions)
    report = extract_measures(processed_corpus[WORK_REPORT])
    assert not any("高新技术企业占 80%" in m.text for m in report)
    assert {m.level for m in report} == {"广州市"}


def test_the_store_replaces_and_deletes_a_document_atomically(
    tmp_path: Path, processed_corpus: dict[str, ProcessedDocument]
) -> None:
    store = MeasureStore.in_dir(tmp_path)
    plan = processed_corpus[PLAN]
    assert store.sync(plan) is True
    assert store.sync(plan) is False  # unchanged: nothing rebuilt
    count = store.count()
    assert count == len(extract_measures(plan))
    first = store.all()[0].measure
    assert first == extract_measures(plan)[0]  # tuples and fields round-trip
    changed = dataclasses.replace(plan, cleaned=plan.cleaned + " ")
    assert store.sync(changed) is True
    assert store.count() == count
    assert store.delete_document(PLAN) is True
    assert store.count() == 0 and store.all() == []


def test_regions_apply_with_their_parents() -> None:
    huangpu = applicable_levels("黄埔区")
    assert huangpu is not None and {"黄埔区、广州开发区", "广州市"} <= huangpu
    tianhe = applicable_levels("天河区")
    assert tianhe is not None and "广州市" in tianhe and "黄埔区、广州开发区" not in tianhe
    assert applicable_levels("") is None


def test_the_indexed_catalogue_matches_a_huangpu_biomedicine_high_tech_enterprise(
    indexed_settings: StoreSettings,
) -> None:
    store = MeasureStore.in_dir(indexed_settings.data_dir)  # built by the indexer
    assert store.count() > 200
    finder = MeasureFinder(store)
    profile = Profile(region="黄埔区", industries=("生物医药",), beneficiaries=("高新技术企业",))
    matches = finder.find(profile)
    assert len(matches) == 10
    for match in matches:
        measure = match.sourced.measure
        assert {"生物医药", "高新技术企业"} & (set(measure.industries) | set(measure.beneficiaries))
        assert match.why.startswith(("适用对象", "产业领域"))
        assert match.sourced.title
    assert sum(len(g) for g in grouped(matches).values()) == 10
    # A Tianhe enterprise gets no Huangpu-only measure.
    tianhe = finder.find(Profile(region="天河区", beneficiaries=("高新技术企业",)), limit=50)
    assert tianhe and all(m.sourced.measure.level == "广州市" for m in tianhe)
    # Needs narrow the support type.
    loans = finder.find(
        Profile(region="黄埔区", beneficiaries=("科技型中小企业",), needs=("融资",))
    )
    assert loans and all(
        {"信贷/风险补偿/担保", "基金/股权投资"} & set(m.sourced.measure.support_types)
        for m in loans
    )


def test_the_indexer_builds_measures_with_an_upload_and_deletes_them_with_it(
    tmp_path: Path,
) -> None:
    from tests.conftest import make_settings
    from vectorstore.indexer import Indexer
    from vectorstore.service import open_store

    source = tmp_path / "示例申报指南.txt"
    source.write_text(GUIDE, encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    indexer = Indexer(open_store(settings))
    report = indexer.ingest_upload(source, source.name)
    assert [r.status for r in report.results] == ["indexed"], report.results
    doc_id = report.results[0].doc_id
    catalogue = MeasureStore.in_dir(settings.data_dir)
    stored = catalogue.all()
    assert stored and {s.measure.doc_id for s in stored} == {doc_id}
    assert any(s.measure.amounts == ("最高500万元",) for s in stored)
    assert indexer.delete(doc_id).results[0].status == "deleted"
    assert catalogue.count() == 0


def test_the_tab_renders_escaped_grouped_cards_and_keeps_few_exports(
    indexed_settings: StoreSettings, tmp_path: Path
) -> None:
    from ui.measures import KEPT_EXPORTS, MeasuresView

    view = MeasuresView(MeasureFinder(MeasureStore.in_dir(indexed_settings.data_dir)), tmp_path)
    for _ in range(KEPT_EXPORTS + 2):
        html, markdown, table = view.find("黄埔区", ["生物医药"], ["高新技术企业"], "不限", [])
    assert html.count("<details class='pqa-cite pqa-measure'") == 10
    assert "企业画像：黄埔区 · 生物医药 · 高新技术企业" in html and "<script" not in html
    assert markdown and Path(markdown).read_text("utf-8").startswith("## 扶持措施：黄埔区")
    assert table and Path(table).read_text("utf-8-sig").startswith("group,text,why")
    assert len(list(tmp_path.iterdir())) == KEPT_EXPORTS
    nothing = MeasuresView(MeasureFinder(MeasureStore.in_dir(tmp_path / "empty")), tmp_path)
    empty, no_md, no_csv = nothing.find("不限区域", [], [], "不限", [])
    assert "没有找到" in empty and no_md is None and no_csv is None
