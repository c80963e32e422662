"""The HTML report of a run: a chart of the metrics per case and a drill-down per case.

One self-contained file (inline SVG and CSS, no script).  Every string that came from a
report or a model is escaped by the template engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, select_autoescape

from summarizer.evaluate.records import AREA_FIELDS, ITEM_FIELDS, RunResult, Timings
from summarizer.evaluate.table import FIELD_LABELS

__all__ = ["render_html", "chart_svg"]

METRICS = (
    ("headline_figures", "figures F1", "#4c78a8"),
    ("targets", "targets F1", "#f58518"),
    ("review_areas", "review F1", "#54a24b"),
    ("task_areas", "tasks F1", "#b279a2"),
    ("grounding", "grounded", "#9d755d"),
)
_BAR, _GAP, _HEIGHT, _LEFT, _TOP, _BOTTOM = 13, 22, 180, 40, 30, 110


@dataclass(frozen=True)
class _Bar:
    x: float
    y: float
    height: float
    colour: str
    tip: str


def _metric(case, name: str) -> float | None:
    if name == "grounding":
        return None if case.grounding is None else case.grounding.rate
    score = getattr(case, name)
    return None if score is None else score.prf.f1


def chart_svg(result: RunResult) -> str:
    """A grouped bar chart: one group per case, one bar per metric, 0 to 1."""
    group = len(METRICS) * _BAR + _GAP
    # room for the legend, and for the last case name, which is drawn slanting to the right
    width = max(_LEFT + max(1, len(result.cases)) * group + 160, _LEFT + len(METRICS) * 110)
    bars, labels = [], []
    for i, case in enumerate(result.cases):
        x0 = _LEFT + i * group + _GAP / 2
        for j, (name, label, colour) in enumerate(METRICS):
            value = _metric(case, name)
            if value is None:
                continue
            h = value * _HEIGHT
            bars.append(
                _Bar(
                    x0 + j * _BAR,
                    _TOP + _HEIGHT - h,
                    h,
                    colour,
                    f"{case.case_id} · {label}: {value:.2f}",
                )
            )
        labels.append((x0 + len(METRICS) * _BAR / 2, case.case_id))
    template = _ENV.from_string(_SVG)
    return template.render(
        width=width,
        height=_TOP + _HEIGHT + _BOTTOM,
        bars=bars,
        labels=labels,
        grid=[(_TOP + _HEIGHT * (1 - v), v) for v in (0, 0.25, 0.5, 0.75, 1)],
        base=_TOP + _HEIGHT,
        left=_LEFT,
        right=_LEFT + max(1, len(result.cases)) * group,
        legend=[(_LEFT + k * 110, label, colour) for k, (_, label, colour) in enumerate(METRICS)],
    )


def render_html(result: RunResult, timings: Timings | None = None) -> str:
    template = _ENV.from_string(_PAGE)
    return template.render(
        r=result,
        timings=timings,
        chart=chart_svg(result),
        item_fields=ITEM_FIELDS,
        area_fields=AREA_FIELDS,
        labels=FIELD_LABELS,
    )


_ENV = Environment(
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}" role="img" aria-label="metrics per case">
{% for y, v in grid %}
<line x1="{{ left }}" x2="{{ right }}" y1="{{ y }}" y2="{{ y }}" stroke="#ddd"/>
<text x="{{ left - 6 }}" y="{{ y + 4 }}" font-size="11" text-anchor="end" fill="#666">{{ v }}</text>
{% endfor %}
{% for b in bars %}
<rect x="{{ '%.1f' % b.x }}" y="{{ '%.1f' % b.y }}" width="{{ 11 }}" height="{{ '%.1f' % b.height }}" fill="{{ b.colour }}"><title>{{ b.tip }}</title></rect>
{% endfor %}
<line x1="{{ left }}" x2="{{ right }}" y1="{{ base }}" y2="{{ base }}" stroke="#333"/>
{% for x, name in labels %}
<text transform="translate({{ '%.1f' % x }},{{ base + 12 }}) rotate(30)" font-size="11" fill="#333">{{ name }}</text>
{% endfor %}
{% for x, label, colour in legend %}
<rect x="{{ x }}" y="8" width="10" height="10" fill="{{ colour }}"/><text x="{{ x + 14 }}" y="17" font-size="11">{{ label }}</text>
{% endfor %}
</svg>
"""

_PAGE = """\
<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>评测报告 · {{ r.info.dataset }} · {{ r.info.engine }}</title>
<style>
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.match { color: #2e7d32; } .missed { color: #c62828; } .extra { color: #6a1b9a; }
.unit, .qualifier, .value { color: #e65100; }
details { margin: .5em 0; border: 1px solid #ddd; padding: .3em .8em; }
summary { cursor: pointer; font-weight: 600; }
.dim { color: #888; }
</style>
</head>
<body>
<h1>评测报告：{{ r.info.dataset }}</h1>
<p>engine <b>{{ r.info.engine }}</b>{% if r.info.model %} · model <b>{{ r.info.model }}</b>{% endif %}
{% if r.info.prompt_version %} · prompt {{ r.info.prompt_version }}{% endif %}
 · summarizer {{ r.info.summarizer_version }} · dataset {{ r.info.dataset_fingerprint }}</p>

<h2>Metrics per case</h2>
{{ chart | safe }}

<table>
<tr><th>case</th><th>kind</th>{% for f in item_fields + area_fields %}<th>{{ labels[f] }}<br><small>F1 (P/R)</small></th>{% endfor %}
<th>unit/qual.</th><th>grounded</th><th>halluc.</th><th>ROUGE-L</th><th>sec</th><th>tokens</th><th>cost</th></tr>
{% for c in r.cases %}
<tr><td><a href="#{{ c.case_id }}">{{ c.case_id }}</a>{% if c.error %} <span class="missed">(error)</span>{% endif %}</td><td>{{ c.kind }}</td>
{% for f in item_fields + area_fields %}{% set s = c[f] %}
{% if s is none %}<td class="dim">–</td>{% else %}<td class="num">{{ '%.2f' % s.prf.f1 }} <small class="dim">({{ '%.2f' % s.prf.precision }}/{{ '%.2f' % s.prf.recall }})</small></td>{% endif %}
{% endfor %}
<td class="num">{{ (c.headline_figures.unit_mismatches if c.headline_figures else 0) + (c.targets.unit_mismatches if c.targets else 0) }}/{{ (c.headline_figures.qualifier_mismatches if c.headline_figures else 0) + (c.targets.qualifier_mismatches if c.targets else 0) }}</td>
<td class="num">{% if c.grounding %}{{ '%.1f%%' % (100 * c.grounding.rate) }}{% else %}–{% endif %}</td>
<td class="num">{% if c.grounding %}{{ c.grounding.hallucinated }}{% else %}–{% endif %}</td>
<td class="num">{% if c.rouge_l is not none %}{{ '%.3f' % c.rouge_l }}{% else %}–{% endif %}</td>
<td class="num">{% set sec = timings.seconds(c.case_id) if timings else none %}{% if sec is not none %}{{ '%.2f' % sec }}{% else %}–{% endif %}</td>
<td class="num">{{ c.usage.tokens_in + c.usage.tokens_out }}</td>
<td class="num">{% if c.usage.cost_usd is not none %}${{ '%.4f' % c.usage.cost_usd }}{% else %}–{% endif %}</td></tr>
{% endfor %}
{% set t = r.totals %}
<tr><th>total ({{ t.cases }})</th><th></th>
{% for f in item_fields + area_fields %}{% set s = t[f] %}<th class="num">{{ '%.2f' % s.prf.f1 }} <small>({{ '%.2f' % s.prf.precision }}/{{ '%.2f' % s.prf.recall }})</small></th>{% endfor %}
<th class="num">{{ t.headline_figures.unit_mismatches + t.targets.unit_mismatches }}/{{ t.headline_figures.qualifier_mismatches + t.targets.qualifier_mismatches }}</th>
<th class="num">{% if t.grounding %}{{ '%.1f%%' % (100 * t.grounding.rate) }}{% else %}–{% endif %}</th>
<th class="num">{% if t.grounding %}{{ t.grounding.hallucinated }}{% else %}–{% endif %}</th>
<th class="num">{% if t.rouge_l is not none %}{{ '%.3f' % t.rouge_l }}{% else %}–{% endif %}</th>
<th class="num">{% if timings %}{{ '%.2f' % timings.total }}{% else %}–{% endif %}</th>
<th class="num">{{ t.usage.tokens_in + t.usage.tokens_out }}</th>
<th class="num">{% if t.usage.cost_usd is not none %}${{ '%.4f' % t.usage.cost_usd }}{% else %}–{% endif %}</th></tr>
</table>

<h2>Drill-down</h2>
<p class="dim">match: counted correct · unit / qualifier / value: indicator matches but the number differs
(the gold counts as missed and the prediction as extra) · missed · extra</p>
{% for c in r.cases %}
<details id="{{ c.case_id }}"{% if loop.first %} open{% endif %}>
<summary>{{ c.case_id }} ({{ c.kind }})</summary>
{% if c.error %}<p class="missed">engine error: {{ c.error }}</p>{% endif %}
{% for f in item_fields %}{% set s = c[f] %}
<h3>{{ labels[f] }}{% if s %}: F1 {{ '%.2f' % s.prf.f1 }} ({{ s.prf.tp }}/{{ s.prf.gold }} gold, {{ s.prf.predicted }} predicted){% endif %}</h3>
{% if s is none %}<p class="dim">not annotated</p>{% elif not s.outcomes %}<p class="dim">none in gold, none predicted</p>{% else %}
<table><tr><th>status</th><th>gold</th><th>predicted</th></tr>
{% for o in s.outcomes %}<tr class="{{ o.status }}"><td>{{ o.status }}</td>
<td>{% if o.gold %}{{ o.gold.indicator }}：{{ o.gold.value }}{% endif %}</td>
<td>{% if o.pred %}{{ o.pred.indicator }}：{{ o.pred.value }}{% endif %}</td></tr>
{% endfor %}</table>{% endif %}
{% endfor %}
{% for f in area_fields %}{% set s = c[f] %}
<h3>{{ labels[f] }} areas{% if s %}: F1 {{ '%.2f' % s.prf.f1 }} ({{ s.prf.tp }}/{{ s.prf.gold }} gold, {{ s.prf.predicted }} predicted){% endif %}</h3>
{% if s is none %}<p class="dim">not annotated</p>{% elif not s.outcomes %}<p class="dim">none in gold, none predicted</p>{% else %}
<table><tr><th>status</th><th>gold</th><th>predicted</th><th>overlap F1</th></tr>
{% for o in s.outcomes %}<tr class="{{ o.status }}"><td>{{ o.status }}</td><td>{{ o.gold or '' }}</td>
<td>{% if o.pred %}{{ o.pred }}{% elif o.nearest %}<span class="dim">nearest: {{ o.nearest }}</span>{% endif %}</td>
<td class="num">{% if o.similarity is not none %}{{ '%.2f' % o.similarity }}{% endif %}</td></tr>
{% endfor %}</table>{% endif %}
{% endfor %}
{% if c.grounding %}
<h3>grounding: {{ c.grounding.numbers_grounded }}/{{ c.grounding.numbers_total }}</h3>
{% if c.grounding.ungrounded %}<ul>{% for u in c.grounding.ungrounded %}<li class="missed">{{ u }}</li>{% endfor %}</ul>{% endif %}
{% endif %}
{% if c.meta %}
<h3>report facts</h3>
<table><tr><th>field</th><th>gold</th><th>predicted</th></tr>
{% for m in c.meta %}<tr class="{{ 'match' if m.correct else 'missed' }}"><td>{{ m.field }}</td><td>{{ m.gold }}</td><td>{{ m.predicted if m.predicted is not none else '' }}</td></tr>{% endfor %}
</table>{% endif %}
</details>
{% endfor %}
</body>
</html>
"""
