"""The live score: one line on the main screens, the whole table with F8.

The app keeps one `LiveScore`: the logic checks' findings as the ledger keeps them (each
save keeps those it causes or clears, in its own transaction: ledger/findings.py), read
for the village when it loads and read again after a save, never checked here, and the
score of the current month that `score.py` computes from them. Nothing here computes a
figure.
"""

from __future__ import annotations

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
        self.cache: checks.Cache | None = None
        self.result: score.Score | None = None

    def load(self, village: int | None = None) -> score.Score:
        """The village's kept findings read (one indexed query), and the score."""
        from fptui.reads import checks

        self.village = village
        self.cache = checks.Cache(village).load()
        return self.recompute()

    def refresh(self, households: set[int]) -> score.Score | None:
        """After a save: the kept findings read again (the save kept them), and the
        score."""
        if self.cache is None:
            return None
        self.cache.refresh(households)
        return self.recompute()

    def recompute(self) -> score.Score:
        from fptui.reads import score

        assert self.cache is not None
        period = score.Period.month(f"{clock.today():%Y-%m}")
        self.result = score.score(period, self.village, findings=self.cache.findings())
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
