"""The page's own style sheet: Chinese in place of Streamlit's English, values that wrap.

Streamlit offers no setting for some of its texts: the file uploader's button ("Upload"),
its limit line ("53MB per file") and its size error ("File must be … or smaller").  The
style sheet hides those and shows Chinese in their place with CSS ``content``.  Every
string here is written in this module; nothing from a document or a model reaches it.
"""

from __future__ import annotations

import streamlit as st

from summarizer.report.load import MAX_FILE_BYTES, MiB

__all__ = ["apply", "LIMITS_TEXT"]

LIMITS_TEXT = (
    f"文本文件（.txt .md .html）不超过 {MAX_FILE_BYTES['txt'] // MiB} MB，"
    f"Word（.docx）和 PDF 不超过 {MAX_FILE_BYTES['pdf'] // MiB} MB"
)

_CSS = """
<style>
/* Less empty space above the title and, on narrow screens, beside the page. */
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
@media (max-width: 1280px) {
  [data-testid="stMainBlockContainer"] { padding-left: 2rem; padding-right: 2rem; }
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1rem; padding-right: 1rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; }
}
/* Metric values wrap instead of being cut with an ellipsis. */
[data-testid="stMetricValue"] { font-size: 1.4rem; line-height: 1.25; }
[data-testid="stMetricValue"] .stMarkdownEllipsis,
[data-testid="stMetricValue"] p,
[data-testid="stMetricLabel"] .stMarkdownEllipsis,
[data-testid="stMetricLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* "Press Enter to apply" under text inputs: settings apply when the field is left. */
[data-testid="InputInstructions"] { display: none; }
/* The file uploader in Chinese. */
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; visibility: hidden; }
[data-testid="stFileUploaderDropzone"] button p::after {
  content: "选择文件"; font-size: 0.875rem; visibility: visible;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; visibility: hidden; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "拖入或选择一个文件。__LIMITS__。"; font-size: 0.75rem; white-space: normal;
  visibility: visible;
}
[data-testid="stFileChip"][aria-invalid="true"] { flex-wrap: wrap; }
[data-testid="stFileChip"][aria-invalid="true"] span[role="alert"] { display: none; }
[data-testid="stFileChip"][aria-invalid="true"]::after {
  content: "文件太大：__LIMITS__。"; flex-basis: 100%; font-size: 0.75rem; white-space: normal;
  color: #b3261e; padding-top: 0.25rem;
}
</style>
"""


def apply() -> None:
    """Add the style sheet to the page (it takes no space)."""
    st.html(_CSS.replace("__LIMITS__", LIMITS_TEXT))
