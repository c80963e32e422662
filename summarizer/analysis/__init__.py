"""Across reports: indicator names, reading goals, finding results, tracking and comparing."""
