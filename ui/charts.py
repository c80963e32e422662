"""Charts where a picture says more than a table, and only of like quantities.

- :func:`track_rows` / :func:`track_chart`: per indicator, last year's target, last year's
  result (from this year's review, :func:`summarizer.analysis.track.track`) and this year's
  target.  Growth rates only (all in % a year, higher is better), so one axis fits all.
- :func:`indicator_rows` / :func:`indicator_chart`: one indicator's target across the
  reports of the compare table, only the cells of one unit and kind.

The row builders are pure; the chart builders return Altair specs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st
from present import Report, md_escape

from summarizer.analysis.compare import CompareRow, CompareTable
from summarizer.analysis.indicators import clean_name, indicator_key, lower_is_better
from summarizer.analysis.track import TrackReport, track
from summarizer.schema import ReportSummary, Target

__all__ = [
    "track_rows",
    "track_chart",
    "track_result",
    "track_section",
    "indicator_rows",
    "indicator_chart",
    "chartable_rows",
]

_TRACK_CACHE = "track_cache"
_JUDGED = ("met", "missed")


def is_growth(target: Target, key: str) -> bool:
    """A growth-rate target in %, higher better: 增长6%, 增长5%-5.5%."""
    return (
        bool(target.values)
        and target.unit == "%"
        and target.kind in ("growth", "range")
        and not lower_is_better(key)
    )


def track_rows(prev: ReportSummary, curr: ReportSummary, result: TrackReport) -> list[dict]:
    """Bars for the track chart: (indicator, series, value, text), growth rates only.

    An indicator is kept when it has at least two bars to compare.
    """
    n, m = prev.meta.year, curr.meta.year
    region = curr.meta.region or prev.meta.region
    prev_targets = {t.indicator: t for t in prev.targets}
    curr_targets: dict[str, Target] = {}
    for target in curr.targets:
        curr_targets.setdefault(indicator_key(target.indicator, region), target)
    rows: list[dict] = []
    for item in result.items:
        target = prev_targets.get(item.indicator)
        if target is None or not is_growth(target, item.key):
            continue
        name = clean_name(item.indicator, region) or item.indicator
        bars = [
            {"指标": name, "系列": f"{n}年目标", "值": max(target.values), "原文": target.target}
        ]
        if item.verdict in _JUDGED and item.result_value is not None:
            bars.append(
                {"指标": name, "系列": f"{n}年实际", "值": item.result_value, "原文": item.result}
            )
        now = curr_targets.get(item.key)
        if now is not None and is_growth(now, item.key):
            bars.append(
                {"指标": name, "系列": f"{m}年目标", "值": max(now.values), "原文": now.target}
            )
        if len(bars) >= 2:
            rows += bars
    return rows


def _room(rows: Sequence[dict]) -> alt.Scale:
    """An x scale from zero with room on the right for the labels."""
    values = [float(row["值"]) for row in rows]
    return alt.Scale(domain=[min(0.0, *values), max(values) * 1.4 or 1.0], nice=False)


def track_chart(rows: Sequence[dict]) -> alt.Chart:
    series = list(dict.fromkeys(row["系列"] for row in rows))
    colours = ["#9fb3c8", "#1f5f8b", "#b3261e"][: len(series)]
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=alt.Y("指标:N", title=None, sort=None, axis=alt.Axis(labelLimit=150)),
        yOffset=alt.YOffset("系列:N", sort=series),
        x=alt.X("值:Q", title="增速（%）", axis=alt.Axis(tickCount=5), scale=_room(rows)),
        tooltip=[
            alt.Tooltip("指标:N"),
            alt.Tooltip("系列:N", title="项目"),
            alt.Tooltip("原文:N"),
        ],
    )
    bars = base.mark_bar(cornerRadiusEnd=2).encode(
        color=alt.Color(
            "系列:N",
            title=None,
            sort=series,
            scale=alt.Scale(domain=series, range=colours),
            legend=alt.Legend(orient="bottom", direction="horizontal", columns=3, labelLimit=90),
        )
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text="原文:N")
    return (bars + labels).properties(height=alt.Step(15))


def track_result(prev: Report, curr: Report) -> TrackReport:
    """track(prev, curr), kept for the session (it reads both reports' texts)."""
    cache: dict[tuple[str, str], TrackReport] = st.session_state.setdefault(_TRACK_CACHE, {})
    key = (prev.key, curr.key)
    if key not in cache:
        cache[key] = track(prev.summary, curr.summary, prev.text, curr.text)
    return cache[key]


def track_section(prev: Report, curr: Report, *, key: str) -> None:
    """The target-vs-result chart for two consecutive reports of one region."""
    rows = track_rows(prev.summary, curr.summary, track_result(prev, curr))
    n, m = prev.summary.meta.year, curr.summary.meta.year
    st.subheader(f"{n}年目标、{n}年实际与{m}年目标")
    if not rows:
        st.caption(f"两份报告中没有可以并排比较的增速目标（{md_escape(prev.title)}）。")
        return
    st.caption(
        f"增速目标（%）。{n}年实际取自{m}年报告对上一年的回顾；"
        f"对照的是《{md_escape(prev.title)}》。逐条的原文和判断规则见「对比」。"
    )
    st.altair_chart(track_chart(rows), width="stretch", key=key)


# --------------------------------------------------------------------------- compare


def _unit_class(unit: str, kind: str) -> str:
    return f"{unit}|{'growth' if kind in ('growth', 'range') else kind}"


def indicator_rows(table: CompareTable, row: CompareRow) -> tuple[list[dict], str, int]:
    """One indicator's targets across reports: the bars, their unit, and cells left out.

    Only the cells of the most common unit and kind are kept, so the bars share an axis.
    """
    cells = [
        (column, cell)
        for column, cell in zip(table.columns, row.cells, strict=True)
        if cell is not None and cell.values
    ]
    if not cells:
        return [], "", 0
    common, _ = Counter(_unit_class(c.unit, c.kind) for _, c in cells).most_common(1)[0]
    kept = [(col, c) for col, c in cells if _unit_class(c.unit, c.kind) == common]
    rows = [
        {"报告": column.label, "值": max(cell.values), "原文": cell.target} for column, cell in kept
    ]
    unit = kept[0][1].unit
    kind = "增速" if kept[0][1].kind in ("growth", "range") else "目标值"
    return rows, f"{kind}（{unit}）" if unit else kind, len(cells) - len(kept)


def chartable_rows(table: CompareTable) -> list[int]:
    """Rows of the table with a number in at least two reports."""
    return [
        i
        for i, row in enumerate(table.rows)
        if sum(1 for cell in row.cells if cell is not None and cell.values) >= 2
    ]


def indicator_chart(rows: Sequence[dict], title: str) -> alt.Chart:
    order = [row["报告"] for row in rows]
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=alt.Y("报告:N", title=None, sort=order, axis=alt.Axis(labelLimit=160)),
        x=alt.X("值:Q", title=title, axis=alt.Axis(tickCount=5), scale=_room(rows)),
        tooltip=[alt.Tooltip("报告:N"), alt.Tooltip("原文:N")],
    )
    bars = base.mark_bar(cornerRadiusEnd=2, color="#1f5f8b")
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text="原文:N")
    return (bars + labels).properties(height=alt.Step(26))
