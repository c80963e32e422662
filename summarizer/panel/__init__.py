"""Target panels: every region's targets and their results across years, as one table.

collect  -> the reports: summarised by the batch runner (resumable) or read from a batch folder
assembly -> the run: pair (summarizer.analysis.panel), check quotes, write everything
writers  -> panel.csv, panel.parquet, panel.xlsx
overview -> GDP growth targets by year, lower levels against higher (层层加码), as Markdown
chart    -> the overview as chart.html (and chart.png)
"""

from summarizer.panel.assembly import PanelResult, run_panel

__all__ = ["PanelResult", "run_panel"]
