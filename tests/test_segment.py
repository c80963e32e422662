from __future__ import annotations

from summarizer.report.normalize import normalize
from summarizer.report.outline import cn_int
from summarizer.report.segment import segment


def _sections(text: str):
    return segment(normalize(text).text)


def test_cn_int():
    assert [cn_int(x) for x in ("一", "十", "十二", "二十", "二十三", "九十九")] == [1, 10, 12, 20, 23, 99]
    assert cn_int("十四五") is None


def test_full_report_parts(seed_text):
    s = _sections(seed_text("003"))
    assert len(s.review_areas) == 6
    assert s.review_areas[0].title == "全力以赴稳增长,经济运行稳中有进"
    assert len(s.task_areas) == 9
    assert s.slice(s.targets).startswith("地区生产总值增长5.5%左右")
    assert s.problems is not None and "清醒看到" in s.slice(s.problems)


def test_truncated_report_has_no_targets_or_tasks(seed_text):
    s = _sections(seed_text("001"))
    assert len(s.review_areas) == 6
    assert s.targets is None
    assert s.task_areas == []


def test_digest_with_markdown_bullets(seed_text):
    s = _sections(seed_text("002"))
    assert [b.title for b in s.review_areas][:2] == ["聚焦增动能、促转化 创新活力持续迸发", "聚焦强产业、扩投资 经济发展二次攀峰"]
    assert len(s.task_areas) == 8
    assert s.targets is not None


COUNTY = """某某县2026年政府工作报告
某某县人民政府县长 张三
一、2025年工作回顾
过去一年，全县地区生产总值完成312.5亿元，增长6.2%；一般公共预算收入21.3亿元，增长4.1%。
一是产业发展提质增效。全年新增规上工业企业18家。
二是城乡面貌持续改善。改造老旧小区12个。
三是民生保障更加有力。城镇新增就业5200人。
在肯定成绩的同时，我们也清醒地看到存在的问题：产业结构不优；财政收支矛盾突出。
二、2026年工作安排
今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%，城乡居民人均可支配收入分别增长6%和7%，粮食产量稳定在40万吨以上。
重点抓好以下五个方面工作：
1.坚定不移抓产业。力争新增规上工业企业20家以上。
2.持之以恒优环境。
3.用心用情惠民生。
4.全力以赴保安全。
5.从严从实强作风。
三、加强政府自身建设
（一）坚持依法行政。
（二）坚持廉洁从政。
"""


def test_county_report_with_other_numbering_styles():
    s = _sections(COUNTY)
    assert [b.title for b in s.review_areas] == ["产业发展提质增效", "城乡面貌持续改善", "民生保障更加有力"]
    assert [b.title for b in s.task_areas] == ["坚定不移抓产业", "持之以恒优环境", "用心用情惠民生", "全力以赴保安全", "从严从实强作风"]
    assert s.slice(s.targets).startswith("地区生产总值增长6%左右")
    assert s.self_building is not None
    assert "存在的问题" in s.slice(s.problems)


def test_task_list_prefers_paren_numbering_over_nested_lists(seed_text):
    # A numbered (一)… task list followed by a 1.–10. list of livelihood projects.
    text = COUNTY.replace("1.坚定", "(一)坚定").replace("2.持之", "(二)持之").replace("3.用心", "(三)用心")
    text = text.replace("4.全力", "(四)全力").replace("5.从严", "(五)从严")
    text = text.replace("三、加强政府自身建设", "".join(f"{k}.民生实事第{k}项。\n" for k in range(1, 11)) + "三、加强政府自身建设")
    s = _sections(text)
    assert len(s.task_areas) == 5
    assert s.task_areas[0].title == "坚定不移抓产业"


def test_text_without_structure_has_no_parts():
    s = _sections("这是一段没有任何结构的中文文字。它不是政府工作报告，只是用来测试。" * 5)
    assert s.review is None and s.targets is None and s.task_areas == []


def test_tasks_as_parts_of_their_own_and_targets_without_colon():
    text = """某某市2026年政府工作报告
一、2025年工作回顾
过去一年，全市地区生产总值增长5.1%。
（一）产业发展提质增效。新增企业18家。
（二）城乡面貌持续改善。改造小区12个。
二、2026年工作安排
今年经济社会发展的主要预期目标是地区生产总值增长5%左右，一般公共预算收入增长3%。
三、聚焦科技创新，培育发展新动能
加快建设科创走廊。
四、聚焦扩大内需，巩固经济回升向好态势
大力提振消费。
五、聚焦民生福祉，提升群众幸福感
办好十件民生实事。
六、加强政府自身建设
坚持依法行政。
"""
    s = _sections(text)
    assert s.slice(s.targets).startswith("地区生产总值增长5%左右")
    assert [b.title for b in s.task_areas] == [
        "聚焦科技创新,培育发展新动能",
        "聚焦扩大内需,巩固经济回升向好态势",
        "聚焦民生福祉,提升群众幸福感",
    ]


def test_areas_numbered_inline_and_with_other_markers():
    text = """某某区2025年政府工作报告
一、2024年工作回顾
一年来，我们主要做了以下工作：一是稳增长成效明显。地区生产总值增长5.2%。二是改革开放持续深化。新增外资企业12家。三是民生保障更加有力。新增就业3200人。
二、2025年工作安排
今年主要预期目标是：地区生产总值增长5%左右。
第一，坚持创新驱动，加快发展新质生产力。
第二，坚持扩大内需，巩固经济回升向好态势。
第三，坚持改革开放，激发发展活力。
"""
    s = _sections(text)
    assert [b.title for b in s.review_areas] == ["稳增长成效明显", "改革开放持续深化", "民生保障更加有力"]
    assert [b.title for b in s.task_areas] == [
        "坚持创新驱动,加快发展新质生产力",
        "坚持扩大内需,巩固经济回升向好态势",
        "坚持改革开放,激发发展活力",
    ]
    assert s.slice(s.targets).startswith("地区生产总值增长5%左右")


def test_new_term_report_with_a_five_year_review_and_plain_plan_heading():
    text = """某某市2023年政府工作报告
一、过去五年工作回顾
五年来，全市地区生产总值年均增长6.5%。
（一）综合实力显著增强。
（二）城乡面貌深刻变化。
二、今后五年工作的总体要求和奋斗目标
（一）建设创新强市。
（二）建设开放强市。
（三）建设生态强市。
三、关于2023年工作
今年经济社会发展主要预期目标为：地区生产总值增长6%左右，城镇调查失业率5.5%以内。
（一）全力稳住经济大盘。
（二）加快建设现代产业体系。
"""
    s = _sections(text)
    assert [b.title for b in s.task_areas] == ["全力稳住经济大盘", "加快建设现代产业体系"]
    assert [b.title for b in s.review_areas] == ["综合实力显著增强", "城乡面貌深刻变化"]
    assert s.slice(s.targets).startswith("地区生产总值增长6%左右")
