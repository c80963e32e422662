"""Structured, grounded summaries of Chinese government work reports (政府工作报告)."""

from summarizer.schema import ReportSummary

__all__ = ["ReportSummary", "__version__"]
__version__ = "0.1.0"
