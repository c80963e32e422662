"""The overview as a chart: GDP growth targets by year with the share met, and the gaps
between lower and higher levels.

Written with altair as ``OUT/chart.html``; with ``vl-convert-python`` installed (the ``panel``
extra) the page carries its scripts inline and opens without a network, and a
``OUT/chart.png`` is written beside it.  Without altair no chart is written.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from summarizer.analysis.track import VERDICT_LABELS
from summarizer.batch.atomic import write_atomic
from summarizer.panel.overview import Overview

__all__ = ["HTML_NAME", "PNG_NAME", "write_chart"]

HTML_NAME = "chart.html"
PNG_NAME = "chart.png"
_UNPAIRED = "无次年报告"
_COLOURS = {"达成": "#2e7d32", "未达成": "#c62828", "未报告结果": "#9e9e9e", "无法判断": "#f9a825"}


def _label(verdict: str | None) -> str:
    labels = {str(key): label for key, label in VERDICT_LABELS.items()}
    return labels.get(verdict or "", _UNPAIRED)


def _charts(view: Overview) -> Any:
    import altair as alt

    targets = [
        {"年份": str(t.year), "增长目标(%)": t.value, "地区": t.region, "判断": _label(t.verdict)}
        for t in view.gdp
    ]
    shares = [
        {
            "年份": str(y.year),
            "达成率": y.share_met,
            "已判断": y.met + y.missed,
            "标注": f"{y.met}/{y.met + y.missed}",
        }
        for y in view.years
        if y.share_met is not None
    ]
    gaps = [
        {
            "上级": g.parent,
            "年份": str(g.year),
            "平均差(百分点)": round(g.mean, 2),
            "下级数": len(g.gaps),
        }
        for g in view.gaps
    ]
    width = 520
    spread = (
        alt.Chart(alt.Data(values=targets))
        .mark_boxplot(extent="min-max", opacity=0.5)
        .encode(x=alt.X("年份:O"), y=alt.Y("增长目标(%):Q", scale=alt.Scale(zero=False)))
    )
    dots = (
        alt.Chart(alt.Data(values=targets))
        .mark_circle(size=28, opacity=0.7)
        .encode(
            x="年份:O",
            y="增长目标(%):Q",
            color=alt.Color(
                "判断:N",
                scale=alt.Scale(
                    domain=[*_COLOURS, _UNPAIRED], range=[*_COLOURS.values(), "#4f7cac"]
                ),
            ),
            tooltip=["地区:N", "年份:O", "增长目标(%):Q", "判断:N"],
        )
    )
    top = (spread + dots).properties(width=width, height=260, title="各年地区生产总值增长目标")
    bars = (
        alt.Chart(alt.Data(values=shares))
        .mark_bar()
        .encode(
            x="年份:O",
            y=alt.Y("达成率:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=["年份:O", alt.Tooltip("达成率:Q", format=".0%"), "已判断:Q"],
        )
    )
    counts = bars.mark_text(dy=-6, fontSize=10).encode(text="标注:N")  # met / judged
    met = (bars + counts).properties(
        width=width, height=140, title="达成率（达成 /（达成 + 未达成）；柱上为达成数/已判断数）"
    )
    parts = [top, met]
    if gaps:
        heat = (
            alt.Chart(alt.Data(values=gaps))
            .mark_rect()
            .encode(
                x="年份:O",
                y=alt.Y("上级:N", sort="ascending"),
                color=alt.Color(
                    "平均差(百分点):Q", scale=alt.Scale(scheme="redblue", domainMid=0, reverse=True)
                ),
                tooltip=["上级:N", "年份:O", "平均差(百分点):Q", "下级数:Q"],
            )
            .properties(width=width, title="层层加码：下级增长目标减上级目标的平均差")
        )
        parts.append(heat)
    return alt.vconcat(*parts).configure(font="sans-serif").configure_axisX(labelAngle=0)


def _optional(name: str) -> Any:
    """A module that may not be installed, or None."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def write_chart(out_dir: Path, view: Overview) -> list[Path]:
    """Write the chart; return the files written (none without altair)."""
    if _optional("altair") is None:
        return []
    chart = _charts(view)
    converter = _optional("vl_convert")
    html = chart.to_html(inline=converter is not None)
    write_atomic(out_dir / HTML_NAME, html)
    written = [out_dir / HTML_NAME]
    if converter is not None:
        png = converter.vegalite_to_png(chart.to_json(), scale=2)
        write_atomic(out_dir / PNG_NAME, png)
        written.append(out_dir / PNG_NAME)
    return written
