"""A token or cost budget shared by the workers of a batch.

A report is started only if what has been spent, plus an estimate for the reports in
flight and this one (the mean of those finished so far), stays within the budget.  Until
one report has finished there is no estimate, so with a budget the first report runs
alone.  Once a start is refused the budget is "reached" and no further report starts;
reports already running finish and are kept, so the overshoot is at most what they spend
beyond the estimate.
"""

from __future__ import annotations

import threading

from summarizer.schema import Usage

__all__ = ["Budget"]


class Budget:
    def __init__(self, max_tokens: int | None = None, max_cost: float | None = None) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.tokens = 0
        self.cost = 0.0
        self.calls = 0
        self.finished = 0  # reports that reported their usage
        self.in_flight = 0
        self.reached = False
        self._cond = threading.Condition()

    @property
    def limited(self) -> bool:
        return self.max_tokens is not None or self.max_cost is not None

    def _over(self, spent: float, limit: float | None, upcoming: int) -> bool:
        if limit is None:
            return False
        mean = spent / self.finished if self.finished else 0.0
        return spent >= limit or spent + upcoming * mean > limit

    def try_start(self) -> bool:
        """Claim room for one more report; False once the budget is reached."""
        with self._cond:
            while self.limited and not self.reached and not self.finished and self.in_flight:
                self._cond.wait()  # no estimate yet: wait for the first report
            upcoming = self.in_flight + 1
            if (
                self.reached
                or self._over(self.tokens, self.max_tokens, upcoming)
                or self._over(self.cost, self.max_cost, upcoming)
            ):
                self.reached = True
                return False
            self.in_flight += 1
            return True

    def finish(self, usage: Usage | None) -> None:
        """Account for a started report (usage None if it failed before reporting any)."""
        with self._cond:
            self.in_flight -= 1
            if usage is not None:
                self.finished += 1
                self.calls += usage.calls
                self.tokens += usage.tokens_in + usage.tokens_out
                self.cost += usage.cost_usd or 0.0
                if (self.max_tokens is not None and self.tokens >= self.max_tokens) or (
                    self.max_cost is not None and self.cost >= self.max_cost
                ):
                    self.reached = True
            self._cond.notify_all()
