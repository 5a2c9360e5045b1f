"""The visit sheet: a group's due visits on A4, to take door to door and fill by hand.

xlsxwriter writes it; this module only lays out the rows `followups.open_list` gives.
Every cell is written as text or a date, never as a formula (a name beginning with `=`
stays a name). The sheet names people, and its header says so; it is laid out in memory
and written whole to a temporary 0600 file beside its name, then renamed into place
(files.py), never over a ledger.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from fptui import clock, files
from fptui.reads import followups

HEAD = {
    "zh": (
        "序号",
        "户号",
        "住址",
        "姓名",
        "随访项目",
        "截止日期",
        "逾期天数",
        "完成日期",
        "随访方式",
        "签名",
    ),
    "en": (
        "No.",
        "Household",
        "Address",
        "Name",
        "Visit",
        "Due",
        "Days late",
        "Date done",
        "How",
        "Signature",
    ),
}
TITLE = {"zh": "随访工作单", "en": "Visit sheet"}
NAMED = {"zh": "含个人信息，请妥善保管", "en": "Contains personal data: keep it safe"}
WIDTHS = (5, 8, 16, 10, 24, 11, 8, 11, 10, 10)


def write(
    path: Path | str,
    rows: list[followups.Row],
    *,
    unit: str,
    lang: str = "zh",
    today: dt.date | None = None,
) -> Path:
    """Write the visits `rows` to `path` as one A4 sheet; the path written."""
    import xlsxwriter

    book = io.BytesIO()  # laid out whole in memory, then written in one go
    _book(xlsxwriter, book, rows, unit, lang, today or clock.today())
    return files.write_bytes(path, book.getvalue())


def _book(
    xlsxwriter: Any,
    out: io.BytesIO,
    rows: list[followups.Row],
    unit: str,
    lang: str,
    today: dt.date,
) -> None:
    book = xlsxwriter.Workbook(
        out,
        {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True},
    )
    sheet = book.add_worksheet(TITLE[lang])
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    note = book.add_format({"font_size": 9, "italic": True})
    head = book.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#DDDDDD",
            "text_wrap": True,
        }
    )
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    date = book.add_format({"border": 1, "valign": "vcenter", "num_format": "yyyy-mm-dd"})
    late = book.add_format({"border": 1, "valign": "vcenter", "bold": True})
    sheet.merge_range(0, 0, 0, len(WIDTHS) - 1, f"{unit} {TITLE[lang]}", title)
    sheet.write_string(1, 0, f"{today:%Y-%m-%d}  {NAMED[lang]}", note)
    for col, (label, width) in enumerate(zip(HEAD[lang], WIDTHS)):
        sheet.set_column(col, col, width)
        sheet.write_string(2, col, label, head)
    for i, r in enumerate(rows, 1):
        y = 2 + i
        sheet.set_row(y, 24)
        sheet.write_number(y, 0, i, cell)
        sheet.write_string(y, 1, r.household, cell)
        sheet.write_string(y, 2, r.address, cell)
        sheet.write_string(y, 3, r.person, cell)
        sheet.write_string(y, 4, followups.title(r.kind, lang), cell)
        sheet.write_datetime(y, 5, dt.datetime.combine(r.due_on, dt.time()), date)
        if r.days_overdue:
            sheet.write_number(y, 6, r.days_overdue, late)
        else:
            sheet.write_blank(y, 6, None, cell)
        for col in (7, 8, 9):
            sheet.write_blank(y, col, None, cell)
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.set_header(f"&L{unit}&R{TITLE[lang]}")
    sheet.set_footer("&C&P / &N")
    sheet.freeze_panes(3, 0)
    book.close()
