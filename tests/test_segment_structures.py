"""The segmenter on the ways reports mark their parts, built from variations of one report.

Each test writes a small report in one of the structures real reports use (chapters
numbered or not, a five-year review before or after the past year, targets over two
paragraphs, tasks as chapters of their own, annexes, Markdown) and checks that the parts
found do not depend on how they are marked.
"""

from __future__ import annotations

from summarizer.pipeline import summarize_text
from summarizer.report.normalize import normalize
from summarizer.report.outline import lines_of, marker_of, runs
from summarizer.report.segment import segment

HEAD = "某某市2026年政府工作报告\n——2026年1月10日在某某市第九届人民代表大会第五次会议上\n市长 张三\n各位代表：\n现在，我代表市人民政府向大会报告工作，请予审议。\n"
OPENING = "2025年，全市地区生产总值增长5.6%，一般公共预算收入增长4.2%，城乡居民人均可支配收入分别增长5%和6.5%。"
REVIEW_AREAS = [
    "（一）坚持项目为王，产业基础更加坚实。新开工项目120个，完成投资380亿元。",
    "（二）坚持改革开放，发展活力持续增强。完成改革任务52项。",
    "（三）坚持民生优先，群众生活更加美好。新增城镇就业3.2万人。",
]
PROBLEMS = "在肯定成绩的同时，我们也清醒看到，经济下行压力依然较大，民生领域还有不少短板。"
TARGETS = (
    "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%，"
    "规模以上工业增加值增长7%，城镇调查失业率控制在5.5%以内，居民消费价格涨幅3%左右。"
)
TASK_AREAS = [
    "（一）聚焦实体经济，加快建设现代化产业体系。推进重点项目100个。",
    "（二）聚焦扩大内需，全力稳投资促消费。社会消费品零售总额增长6%。",
    "（三）聚焦改革攻坚，持续优化营商环境。",
    "（四）聚焦民生福祉，办好群众可感可及的实事。",
]
CLOSING = "各位代表！新征程催人奋进，让我们团结一心，为建设现代化新某某而努力奋斗！"


def report(*parts: str) -> str:
    return HEAD + "\n".join(parts) + "\n"


def standard(**swap: str) -> str:
    parts = {
        "review_head": "一、2025年工作回顾",
        "opening": OPENING,
        "review_areas": "\n".join(REVIEW_AREAS),
        "problems": PROBLEMS,
        "plan_head": "二、2026年工作安排",
        "targets": TARGETS,
        "task_areas": "\n".join(TASK_AREAS),
        "closing": CLOSING,
    }
    parts.update(swap)
    return report(*[p for p in parts.values() if p])


def sections_of(text: str):
    return segment(normalize(text).text)


def titles(blocks) -> list[str]:
    return [b.title for b in blocks]


def test_the_standard_outline():
    s = sections_of(standard())
    assert titles(s.review_areas) == ["坚持项目为王,产业基础更加坚实", "坚持改革开放,发展活力持续增强", "坚持民生优先,群众生活更加美好"]
    assert len(s.task_areas) == 4
    assert s.slice(s.targets).startswith("地区生产总值增长6%左右")
    assert s.problems is not None and "清醒看到" in s.slice(s.problems)
    assert s.plan_year == 2026


def test_unnumbered_chapter_headings_work_like_numbered_ones():
    numbered = sections_of(standard())
    plain = sections_of(standard(review_head="2025年工作回顾", plan_head="2026年工作安排"))
    assert titles(plain.review_areas) == titles(numbered.review_areas)
    assert titles(plain.task_areas) == titles(numbered.task_areas)
    assert plain.slice(plain.targets) == numbered.slice(numbered.targets)


def test_markdown_bold_headings_and_front_matter_change_nothing():
    plain = summarize_text(standard())
    marked = summarize_text(
        "---\ntitle: 某某市2026年政府工作报告\nsource: http://example.org/r.html\n---\n\n"
        + standard(review_head="**一、2025年工作回顾**", plan_head="## **二、2026年工作安排**")
        .replace("（一）坚持项目为王，产业基础更加坚实。", "**（一）坚持项目为王，产业基础更加坚实。**")
    )
    assert [a.title for a in marked.review_areas] == [a.title for a in plain.review_areas]
    assert [(t.indicator, t.target) for t in marked.targets] == [(t.indicator, t.target) for t in plain.targets]
    assert not any("**" in a.title for a in marked.review_areas)


def test_every_numbering_family_is_read_as_areas():
    families = {
        "paren": "（{cn}）",
        "shi": "{cn}是",
        "ordinal": "第{cn}，",
        "dot": "{n}．",
        "pdigit": "（{n}）",
        "circled": "{circled}",
    }
    cn, circled = "一二三四", "①②③④"
    for family, mark in families.items():
        areas = [
            mark.format(cn=cn[k], n=k + 1, circled=circled[k]) + area.split("）", 1)[1]
            for k, area in enumerate(TASK_AREAS)
        ]
        s = sections_of(standard(task_areas="\n".join(areas)))
        assert len(s.task_areas) == 4, family
        assert s.task_areas[0].title == "聚焦实体经济,加快建设现代化产业体系", family


def test_areas_numbered_inside_one_paragraph():
    inline = "一年来，我们主要做了以下工作：一是坚持项目为王，新开工项目120个。二是坚持改革开放，完成改革任务52项。三是坚持民生优先，新增城镇就业3.2万人。"
    summary = summarize_text(standard(review_areas=inline))
    # a title runs to the first full stop, in the report's own punctuation
    assert [a.title for a in summary.review_areas] == [
        "坚持项目为王，新开工项目120个", "坚持改革开放，完成改革任务52项", "坚持民生优先，新增城镇就业3.2万人"
    ]


def test_dash_bullets_and_lead_sentences_are_areas_when_nothing_is_numbered():
    dashes = "\n".join(
        f"——{title}。{body}" for title, body in (("产业基础更加坚实", "新开工项目120个，完成投资380亿元。"),
                                                 ("发展活力持续增强", "完成改革任务52项，营商环境持续优化。"),
                                                 ("群众生活更加美好", "新增城镇就业3.2万人，办好民生实事十件。"))
    )  # fmt: skip
    s = sections_of(standard(review_areas=dashes))
    assert titles(s.review_areas) == ["产业基础更加坚实", "发展活力持续增强", "群众生活更加美好"]
    leads = dashes.replace("——", "")
    s = sections_of(standard(review_areas=leads))
    assert titles(s.review_areas) == ["产业基础更加坚实", "发展活力持续增强", "群众生活更加美好"]


def test_a_five_year_review_before_the_past_year_keeps_its_list_out():
    five = (
        "过去五年，是某某发展极不平凡的五年。五年来，全市地区生产总值年均增长6.1%。\n"
        "一、生态建设成绩斐然。累计造林30万亩。\n二、经济发展质效双增。工业增加值年均增长8%。\n"
        "三、民生福祉极大改善。累计新增就业15万人。\n"
    )
    text = standard(review_head="一、过去五年和2025年工作回顾", opening=five + OPENING)
    s = sections_of(text)
    assert titles(s.review_areas)[0] == "坚持项目为王,产业基础更加坚实"
    summary = summarize_text(text)
    assert ("地区生产总值", "增长5.6%") in [(f.indicator, f.value) for f in summary.headline_figures]
    assert not any("年均" in f.value for f in summary.headline_figures)


def test_five_year_goals_beside_the_annual_targets_are_not_targets():
    goals = (
        "三、“十五五”时期的主要目标\n"
        "“十五五”时期经济社会发展的主要目标是：到2030年，地区生产总值年均增长5.5%左右，"
        "研发经费投入强度达到3%，城镇化率达到70%。"
    )
    text = standard(problems=PROBLEMS + "\n" + goals, plan_head="四、2026年工作安排")
    summary = summarize_text(text)
    assert [t.target for t in summary.targets][:2] == ["增长6%左右", "增长5%"]
    assert not any("年均" in t.target or "2030" in t.target for t in summary.targets)


def test_last_years_targets_quoted_in_the_review_are_not_this_years():
    quoted = OPENING + "地区生产总值增长5.6%，完成了年初确定的6%左右的预期目标的大部分。"
    summary = summarize_text(standard(opening=quoted))
    assert summary.targets[0].target == "增长6%左右"
    assert summary.targets[0].evidence[0].quote.startswith("地区生产总值增长6%左右")


def test_targets_over_two_paragraphs_join():
    binding = "约束性指标是：单位地区生产总值能耗下降2.5%，主要污染物排放量完成省下达任务。"
    summary = summarize_text(standard(targets=TARGETS + "\n" + binding))
    pairs = [(t.indicator, t.target) for t in summary.targets]
    assert len(pairs) == 7
    assert ("单位地区生产总值能耗", "下降2.5%") in pairs
    assert ("主要污染物排放量", "完成省下达任务") in pairs


def test_targets_as_a_list_of_lines():
    listed = "今年的主要预期目标是：\n1．地区生产总值增长6%左右；\n2．一般公共预算收入增长5%；\n3．城镇调查失业率控制在5.5%以内。"
    summary = summarize_text(standard(targets=listed))
    assert [t.indicator for t in summary.targets] == ["地区生产总值", "一般公共预算收入", "城镇调查失业率"]
    assert len(summary.task_areas) == 4


def test_tasks_written_as_chapters_of_their_own():
    chapters = "\n".join(
        f"{cn}、{title}\n{title}是今年的重点，要抓紧抓实。"
        for cn, title in zip("三四五六", ("加快建设现代化产业体系", "全力稳投资促消费", "持续优化营商环境", "办好民生实事"), strict=True)
    )  # fmt: skip
    s = sections_of(standard(plan_head="二、2026年工作总体要求和主要目标", task_areas=chapters))
    assert titles(s.task_areas) == ["加快建设现代化产业体系", "全力稳投资促消费", "持续优化营商环境", "办好民生实事"]


def test_a_list_of_livelihood_projects_and_an_annex_are_not_task_areas():
    projects = "今年重点办好以下十件民生实事：\n1．新建幼儿园10所。\n2．改造老旧小区50个。\n3．新增养老床位800张。"
    annex = "附件：名词解释\n1．新质生产力：……\n2．营商环境：……\n3．专精特新：……"
    s = sections_of(standard(task_areas="\n".join(TASK_AREAS) + "\n" + projects, closing=CLOSING + "\n" + annex))
    assert len(s.task_areas) == 4
    assert s.annexes and s.slice(s.annexes[0]).startswith("附件")


def test_a_separate_self_building_part_ends_the_tasks_but_one_inside_the_list_stays():
    separate = standard(closing="三、全面加强政府自身建设\n（一）坚持依法行政。\n（二）坚持廉洁从政。\n" + CLOSING)
    s = sections_of(separate)
    assert len(s.task_areas) == 4 and s.self_building is not None
    inside = standard(task_areas="\n".join(TASK_AREAS) + "\n（五）全面加强政府自身建设，建设人民满意政府。")
    assert titles(sections_of(inside).task_areas)[-1] == "全面加强政府自身建设,建设人民满意政府"


def test_the_plan_year_of_a_report_delivered_in_december_is_the_next_year():
    text = standard().replace("某某市2026年政府工作报告", "某某市政府工作报告").replace(
        "——2026年1月10日", "——2025年12月28日"
    )
    assert sections_of(text).plan_year == 2026


def test_a_report_cut_after_the_review_is_partial_and_a_complete_one_is_not():
    whole = summarize_text(standard(closing=CLOSING + "\n（某某日报）"))
    assert whole.meta.kind == "full"
    cut = summarize_text(report("一、2025年工作回顾", OPENING, *REVIEW_AREAS, PROBLEMS))
    assert cut.meta.kind == "partial"
    assert {"truncated", "no_targets"} <= {w.code for w in cut.warnings}


def test_outline_markers_and_runs():
    assert marker_of(normalize("（三）推进改革").text).family == "paren"  # type: ignore[union-attr]
    assert marker_of("三是推进改革").number == 3  # type: ignore[union-attr]
    assert marker_of(normalize("第二，推进改革").text).family == "ordinal"  # type: ignore[union-attr]
    assert marker_of(normalize("12、推进改革").text).number == 12  # type: ignore[union-attr]
    assert marker_of("⑤推进改革").number == 5  # type: ignore[union-attr]
    assert marker_of("一是的确如此") is None or marker_of("一是的确如此").family != "shi"  # type: ignore[union-attr]
    text = normalize("（一）甲。\n（二）乙。\n1．子项。\n2．子项。\n（三）丙。").text
    found = runs(lines_of(text), len(text))
    families = sorted((r.family, len(r)) for r in found)
    assert families == [("dot", 2), ("paren", 3)]


def test_one_target_per_indicator_when_a_value_covers_two():
    both = summarize_text(standard(targets="今年的主要预期目标是：城镇、农村居民人均可支配收入均增长8%。"))
    assert [(t.indicator, t.target) for t in both.targets] == [
        ("城镇居民人均可支配收入", "增长8%"),
        ("农村居民人均可支配收入", "增长8%"),
    ]
    each = summarize_text(standard(targets="今年的主要预期目标是：城镇和农村居民人均可支配收入分别增长7.5%和8%。"))
    assert [(t.indicator, t.values) for t in each.targets] == [
        ("城镇居民人均可支配收入", [7.5]),
        ("农村居民人均可支配收入", [8.0]),
    ]
    assert both.verification is not None and both.verification.ok
