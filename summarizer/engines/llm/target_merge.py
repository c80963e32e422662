"""The model's targets against the draft's: which of its changes are kept.

A model target that agrees with a draft target changes nothing, except that its indicator
name may be cleaned (a name the target's sentence states, containing or contained in the
draft's).  A different value replaces the draft's only when the draft's numbers are not
grounded and the model's are.  A target the draft lacks is added only when it is grounded in
the slice the call read and the draft missed something there: the completeness check finds
no targets where the text has some, or a number of the passage that no target holds; for a
target without a number, a clause of the passage that no draft target covers opens with the
model's indicator.  A draft target the model drops stays.  Every disagreement is a warning.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from summarizer.engines.llm.answers import to_target
from summarizer.engines.llm.draft import position, uncovered_clauses
from summarizer.engines.llm.grounds import (
    Notes,
    inside,
    is_grounded,
    is_planted,
    same_numbers,
    sentence_of,
    stated_name,
)
from summarizer.engines.llm.outcome import Window
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import PartCheck, ReportSummary, Target
from summarizer.verify.verifier import PLANTED_ZH

if TYPE_CHECKING:
    from summarizer.engines.llm.outcome import CallOutcome
    from summarizer.report.prepared import PreparedReport

__all__ = ["merge_targets"]


def _draft_match(proposal: Target, draft: list[Target], used: set[int]) -> int | None:
    """The draft target the model's target speaks of: the same indicator, else the same
    numbers (a renamed indicator)."""
    from summarizer.analysis.indicators import same_indicator

    free = [j for j in range(len(draft)) if j not in used]
    for j in free:
        if same_indicator(proposal.indicator, draft[j].indicator):
            return j
    if extract_quantities(proposal.target):
        for j in free:
            if same_numbers(proposal.target, draft[j].target):
                return j
    return None


_CLAUSE_LEAD = 2  # characters before a target's indicator in its clause: 全区, 全市, 其中
_CONNECTIVE = re.compile(r"[与和在就是为对向把将以又既使让只]")


def _fills_gap(
    proposal: Target,
    check: PartCheck | None,
    draft: ReportSummary,
    report: PreparedReport,
    clauses: list[Window],
) -> bool:
    """Whether the draft missed what ``proposal`` states: the completeness check finds no
    targets where the text has some, or a number of the passage in no target that the
    proposal holds; or, for a target without a number, a clause of the passage that no
    draft target covers opens with the proposal's indicator and states its phrase."""
    if check is not None and check.status in ("incomplete", "not_found") and not draft.targets:
        return True  # the rules engine read no targets where the text has some
    numbers = extract_quantities(proposal.target)
    if numbers:
        spans = [(ev.start, ev.end) for ev in proposal.evidence]
        for missed in check.missed if check is not None else []:
            inside = any(a <= missed.start and missed.end <= b for a, b in spans)
            if inside and any(
                same_quantity(q, m) for q in numbers for m in extract_quantities(missed.quote)
            ):
                return True
        return False
    text, name, phrase = report.sections.text, canon(proposal.indicator), canon(proposal.target)
    for ev in proposal.evidence:
        start = report.source.to_normalized(ev.start)
        end = max(report.source.to_normalized(ev.end), start + 1)
        for a, b in clauses:
            clause = canon(text[a:b])
            at = clause.find(name) if name else -1
            if (
                a <= start
                and end <= b + 1
                and 0 <= at <= _CLAUSE_LEAD  # the clause opens with the indicator (全区…)
                and not _CONNECTIVE.match(clause)  # not a remark on the targets (与…相衔接)
                and clause.find(phrase, at + len(name)) >= 0
            ):
                return True
    return False


def merge_targets(
    report: PreparedReport,
    outcomes: list[CallOutcome],
    draft: ReportSummary,
    check: PartCheck | None,
    notes: Notes,
    planted: list[Window],
) -> list[Target]:
    targets = [t.model_copy(deep=True) for t in draft.targets]
    clauses = uncovered_clauses(report, draft)
    used: set[int] = set()
    added: list[Target] = []
    for outcome in outcomes:
        for out in getattr(outcome.answer, "targets", None) or []:
            if not out.target.strip() or not out.indicator.strip():
                continue
            proposal = to_target(out, report.index, report.source, outcome.window)
            shown = f"“{proposal.indicator}{proposal.target}”"
            grounded = inside(report, proposal.evidence, outcome.window) and is_grounded(
                proposal.target, report, proposal.evidence
            )
            if grounded and not extract_quantities(proposal.target):  # a qualitative target
                grounded = canon(proposal.target) in sentence_of(report, proposal.evidence)
            j = _draft_match(proposal, targets, used)
            if j is None:
                if any(canon(proposal.target) == canon(t.target) for t in added):
                    continue
                if grounded and _fills_gap(proposal, check, draft, report, clauses):
                    added.append(proposal)
                    notes.add("llm_added", f"模型补上了规则引擎漏读的目标{shown}，已在原文核实。")
                elif is_planted(proposal.target, report, proposal.evidence, planted):
                    notes.add("prompt_injection", f"模型写的目标{shown}中的数字{PLANTED_ZH}，未采用。")
                else:
                    why = "无法在原文核实" if not grounded else "规则引擎的目标段落没有漏掉它"
                    notes.add(
                        "target_only_llm",
                        f"模型另列出目标{shown}，{why}，未采用。",
                        disagreement=True,
                    )
                continue
            used.add(j)
            if is_planted(proposal.target, report, proposal.evidence, planted):
                grounded = False  # the report's own words only
            targets[j] = _revise(targets[j], proposal, grounded, report, notes, planted)
    for j, target in enumerate(targets):
        if j not in used and outcomes and any(o.answer is not None for o in outcomes):
            notes.add(
                "target_only_rules",
                f"规则引擎读到目标“{target.indicator}{target.target}”，模型没有列出；保留规则引擎的结果。",
                disagreement=True,
            )
    for target in sorted(added, key=lambda t: position(report, t.evidence) or 0):
        at = position(report, target.evidence) or 0
        k = next(
            (i for i, t in enumerate(targets) if (position(report, t.evidence) or 0) > at),
            len(targets),
        )
        targets.insert(k, target)
    return targets


def _revise(
    draft: Target,
    proposal: Target,
    grounded: bool,
    report: PreparedReport,
    notes: Notes,
    planted: list[Window],
) -> Target:
    """The draft target, or the model's correction of it when the verifier grounds that."""
    before = f"“{draft.indicator}{draft.target}”"
    if same_numbers(draft.target, proposal.target):
        if canon(draft.target) != canon(proposal.target) and not extract_quantities(draft.target):
            return draft  # two wordings of a qualitative target: the draft's stands
        a, b = canon(draft.indicator), canon(proposal.indicator)
        if (
            a != b
            and (a in b or b in a)
            and stated_name(proposal.indicator, report, draft.evidence)
        ):
            notes.add(
                "llm_revised",
                f"模型把目标{before}的指标名称改为“{proposal.indicator}”（原句如此）。",
            )
            return draft.model_copy(update={"indicator": proposal.indicator.strip()})
        return draft
    shown = f"“{proposal.indicator}{proposal.target}”"
    if is_planted(proposal.target, report, proposal.evidence, planted):
        notes.add(
            "prompt_injection",
            f"模型把目标{before}改成{shown}，其中的数字{PLANTED_ZH}，未采用；保留原文的目标{before}。",
        )
        return draft
    if grounded and not is_grounded(draft.target, report, draft.evidence):
        notes.add("llm_revised", f"模型改正了目标{before}，改为{shown}，已在原文核实。")
        return proposal
    notes.add(
        "target_mismatch",
        f"目标“{draft.indicator}”：模型写“{proposal.target}”，规则引擎读到“{draft.target}”；"
        f"{'模型的写法无法在原文核实' if not grounded else '两者都见于原文'}，保留规则引擎的结果。",
        disagreement=True,
    )
    return draft
