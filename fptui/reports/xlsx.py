"""The monthly return as an Excel workbook: a cover and one sheet per layout.

xlsxwriter writes the file; this module only lays out the tables of `reads/returns.py`, by the
layouts of schemas/reports/. Every text is written as text (a name beginning with `=` is
never a formula), every count as a number; rates are rounded to two places only in the
cell's format. Each sheet prints on A4 landscape, one page wide, its header rows
repeated, the unit and period in the page header and the page number in the footer.

The workbook names people: it is laid out in memory (xlsxwriter leaves no parts of it in
/tmp), then written whole to a temporary 0600 file beside its name and renamed into place
(files.py), never over a ledger.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from fptui import clock, files
from fptui.reads import returns, tables
from fptui.reports import layout as layouts


def file_name(month_key: str, unit: str) -> str:
    """`YYYY-MM_<unit>_月报.xlsx`."""
    return f"{month_key}_{unit}_月报.xlsx"


def write(
    path: Path | str,
    month_key: str,
    *,
    unit: str,
    village: int | None = None,
    lang: str = "zh",
    prepared_by: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the month's return for a village (or the township) to `path`; `progress` is
    told (sheets done, sheets in all) after each sheet."""
    import xlsxwriter

    words = {k: text(lang) for k, text in layouts.words().items()}
    path = Path(path)
    book = io.BytesIO()  # laid out whole in memory, then written in one go
    parts = _book(xlsxwriter, book, month_key, words, unit, village, lang, prepared_by, progress)
    files.write_bytes(path, book.getvalue())
    if progress is not None:
        progress(parts, parts)  # the workbook is in place
    return path


def _book(
    xlsxwriter: Any,
    out: io.BytesIO,
    month_key: str,
    words: dict[str, str],
    unit: str,
    village: int | None,
    lang: str,
    prepared_by: str,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Lay the workbook out into `path`; how many parts (the cover and the sheets)."""
    year, month = (int(x) for x in month_key.split("-"))
    period = words["month"].format(y=year, m=month)
    today = clock.today()
    book = xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,
        },
    )
    fmt = {
        "title": book.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
        ),
        "meta": book.add_format({"font_size": 10}),
        "head": book.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#E7E6E6",
            }
        ),
        "text": book.add_format({"border": 1, "valign": "vcenter"}),
        "count": book.add_format({"border": 1, "num_format": "0", "valign": "vcenter"}),
        "rate": book.add_format({"border": 1, "num_format": "0.00", "valign": "vcenter"}),
        "dash": book.add_format({"border": 1, "align": "center", "valign": "vcenter"}),
    }
    _cover(book, fmt, words, unit, period, prepared_by, today)
    sheets = layouts.load()
    kept = returns.frozen(month_key, village)  # a closed month: its return as closed
    for done, lay in enumerate(sheets, 1):
        rows = returns.rows(lay.table, month_key, village, kept)
        _sheet(book, fmt, lay, rows, words, lang, unit, period, prepared_by, today)
        if progress is not None:
            progress(done, len(sheets) + 1)
    book.close()
    return len(sheets) + 1


def _rates(words: dict[str, str]) -> str:
    """How the sheet's rates are counted, as domain.toml sets it (tables.rate_rules)."""
    denominator, annualise = tables.rate_rules()
    return words[f"rates_{denominator}"] + (words["rates_annualised"] if annualise else "")


def _cover(
    book: Any, fmt: dict, words: dict, unit: str, period: str, by: str, today: dt.date
) -> None:
    sheet = book.add_worksheet(words["cover"])
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 40)
    sheet.merge_range(0, 0, 0, 1, words["title"], fmt["title"])
    for i, (key, value) in enumerate(
        (
            ("unit", unit),
            ("period", period),
            ("prepared_by", by),
            ("checked_by", ""),
            ("date_reported", today.isoformat()),
            ("unit_head", ""),
        ),
        start=2,
    ):
        sheet.write_string(i, 0, words[key], fmt["head"])
        sheet.write_string(i, 1, value, fmt["text"])
    sheet.set_paper(9)
    sheet.set_landscape()


def _sheet(
    book: Any,
    fmt: dict,
    lay: layouts.Layout,
    rows: list,
    words: dict,
    lang: str,
    unit: str,
    period: str,
    by: str,
    today: dt.date,
) -> None:
    # A sheet's name may not hold []:*?/\ and has at most 31 characters.
    name = "".join("、" if ch in "[]:*?/\\" else ch for ch in lay.title(lang))[:31]
    sheet = book.add_worksheet(name)
    cols = lay.columns
    last = len(cols) - 1
    sheet.merge_range(0, 0, 0, last, lay.title(lang), fmt["title"])
    meta = f"{words['unit']}：{unit}    {words['period']}：{period}"
    if lay.named:
        meta += f"    {words['named']}"
    sheet.write_string(1, 0, meta, fmt["meta"])
    # Row 2: column groups (merged over their columns); row 3: the columns' labels.
    widths = [cell_len(c.label(lang)) for c in cols]
    col = 0
    while col <= last:
        group = cols[col].group
        end = col
        while end + 1 <= last and cols[end + 1].group == group and group is not None:
            end += 1
        if group is None:
            sheet.merge_range(2, col, 3, col, cols[col].label(lang), fmt["head"])
        else:
            if end > col:
                sheet.merge_range(2, col, 2, end, group(lang), fmt["head"])
            else:
                sheet.write_string(2, col, group(lang), fmt["head"])
            for k in range(col, end + 1):
                sheet.write_string(3, k, cols[k].label(lang), fmt["head"])
        col = end + 1
    for y, row in enumerate(rows, start=4):
        for x, column in enumerate(cols):
            value = layouts.shown(layouts.value_of(row, column.value), column.format, lang)
            if isinstance(value, bool) or not isinstance(value, int | float):
                text = str(value)
                cell = fmt["dash"] if text == "-" else fmt["text"]
                sheet.write_string(y, x, text, cell)
                widths[x] = max(widths[x], cell_len(text))
            else:
                sheet.write_number(
                    y, x, value, fmt["rate" if column.format == "rate" else "count"]
                )
                widths[x] = max(widths[x], len(f"{value:.2f}"))
    for x, width in enumerate(widths):
        sheet.set_column(x, x, min(max(width + 2, 6), 40))
    foot = len(rows) + 5
    if lay.footnote is not None:
        sheet.write_string(foot, 0, lay.footnote(lang).format(rates=_rates(words)), fmt["meta"])
        foot += 1
    sheet.write_string(
        foot,
        0,
        f"{words['unit_head']}：        {words['prepared_by']}：{by}        "
        f"{words['date_reported']}：{today.isoformat()}",
        fmt["meta"],
    )
    sheet.freeze_panes(4, 1)
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2, 3)
    sheet.set_header(f"&L{unit}&R{period}")
    sheet.set_footer("&C&P / &N")
