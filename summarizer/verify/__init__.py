"""Checks on a finished summary: every number and quote against the source (``verifier``)."""
