"""The report as data: load a file, normalise its text, find its parts and its numbers.

    load -> normalize -> segment (sections) -> numbers -> index -> evidence
    prepared.prepare(text) runs them all and hands an engine a ``PreparedReport``.
"""
