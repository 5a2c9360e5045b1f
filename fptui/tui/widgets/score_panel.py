"""The live score: one line on the main screens, the whole table with F8.

The app keeps one `LiveScore`: the score of the current month for a village or the
whole ledger, kept as the parts `score.py` adds up, village by village, with each
village's findings as the ledger keeps them (each save keeps those it causes or clears,
in its own transaction: ledger/findings.py). After a save only the villages it touched
are counted again, so a save costs a village's work however large the ledger. Nothing
here computes a figure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.widgets import Static

from fptui import clock
from fptui.tui.text import colon, lang, t

if TYPE_CHECKING:  # the checks and the score load in the worker, after the first paint
    from fptui.reads import checks, score


class LiveScore:
    """The score of the current month for a village (or all), kept up to date."""

    def __init__(self) -> None:
        self.village: int | None = None
        self.today: dt.date | None = None  # the day the parts were counted for
        self.caches: dict[int | None, checks.Cache] = {}  # each village's findings
        self.parts: dict[str, score.Parts] = {}
        self.result: score.Score | None = None

    @property
    def loaded(self) -> bool:
        """Counted once: a save can now be counted in."""
        return self.result is not None

    def load(self, village: int | None = None) -> score.Score:
        """The kept findings of the village (or all) read by index, and every village's
        figures counted in one go."""
        from fptui.reads import checks, score

        self.village, self.today = village, clock.today()
        found = checks.kept(village)
        by_village = {village: found} if village is not None else checks.villages_of(found)
        self.caches = {}
        for v in self._villages(village) + list(by_village):
            cache = self.caches.setdefault(v, checks.Cache(v))
            cache.found = by_village.get(v, [])
        self.parts = score.figures(self._period(), village, self.today, findings=found)
        return self._judged()

    def refresh(
        self, households: set[int], villages: set[int] | None = None
    ) -> score.Score | None:
        """After a save: the villages of the households it touched (and `villages`, those
        its rows named before and after) counted again, each with its kept findings read
        again (the save kept them); the rest as they were. A new day counts all again."""
        from fptui.models import Household
        from fptui.reads import score

        if self.result is None:
            return None
        if clock.today() != self.today:
            return self.load(self.village)
        touched = set(villages or ())
        homes = sorted(households)
        for i in range(0, len(homes), 500):
            touched |= {
                v
                for (v,) in Household.select(Household.village)
                .where(Household.id.in_(homes[i : i + 500]))
                .distinct()
                .tuples()
            }
        if self.village is not None:
            touched &= {self.village}
        for v in sorted(touched):
            cache = self.caches.get(v)
            if cache is None:  # a village set up since the load
                from fptui.reads import checks

                cache = self.caches[v] = checks.Cache(v).load()
            else:
                cache.refresh(households)
            fresh = score.figures(self._period(), v, self.today, findings=cache.findings())
            for key, parts in fresh.items():
                self.parts.setdefault(key, {})[v] = parts[v]
        return self._judged()

    def findings(self) -> list[checks.Finding]:
        """Every finding of the score's village (or all), in the checks' order."""
        found = [f for cache in self.caches.values() for f in cache.findings()]
        found.sort(key=lambda f: (f.severity != "error", f.code, f.household or 0))
        return found

    def _villages(self, village: int | None) -> list[int | None]:
        from fptui.models import Area

        if village is not None:
            return [village]
        return [v for (v,) in Area.select(Area.id).where(Area.kind == "village").tuples()]

    def _period(self) -> score.Period:
        from fptui.reads import score

        return score.Period.month(f"{self.today:%Y-%m}")

    def _judged(self) -> score.Score:
        from fptui.reads import score

        self.result = score.judged(self._period(), self.village, self.parts)
        return self.result


def summary(result: score.Score | None) -> str:
    """The one-line form: total, the indicator that lost most, and the key for the rest."""
    if result is None:
        return t("score_computing")
    total = f"{result.total:.2f}"
    if result.failed:
        total += f" {t('score_vetoed')}"
    worst = result.worst()
    tail = (
        f" · {t('score_worst')}{colon()}{worst.title(lang())} −{worst.lost:.2f}" if worst else ""
    )
    return f"{t('score_label', month=result.period.key)} {total}/100{tail} · F8"


def table(result: score.Score, width: int) -> str:
    """The wide form: the total, then every indicator's figure, target and points lost,
    as many to a line as fit."""
    from fptui.cells import fit

    cell = 38
    per_line = max(1, width // cell)
    head = summary(result).rsplit(" · ", 1)[0]
    cells = []
    for i in result.indicators:
        target = "" if i.target is None else f"/{i.target:g}"
        lost = f"−{i.lost:.2f}" if i.lost else "✓"
        cells.append(fit(f"{i.title(lang())} {i.shown_figure()}{target} {lost}", cell - 1))
    lines = [" ".join(cells[k : k + per_line]) for k in range(0, len(cells), per_line)]
    return "\n".join([f"{head} · F8", *lines])


class ScorePanel(Static):
    """One line below 100 columns; wider, every indicator too."""

    DEFAULT_CSS = """
    ScorePanel {
        height: auto;
        max-height: 6;
        background: $boost;
        color: $text;
        padding: 0 1;
    }
    """

    def __init__(self, content: str = "", **kwargs: object) -> None:
        super().__init__(content, markup=False, **kwargs)  # type: ignore[arg-type]
        self.result: score.Score | None = None

    def show(self, result: score.Score | None) -> None:
        self.result = result
        width = self.size.width or self.app.size.width
        if result is None or width < 100:
            self.update(summary(result))
        else:
            self.update(table(result, width - 2))

    def on_mount(self) -> None:
        self.show(self.app.live.result)

    def on_resize(self) -> None:
        self.show(self.result)
