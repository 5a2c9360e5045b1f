"""The monthly return workbook, read back with openpyxl."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from fptui import clock, ledger
from fptui.reads import tables
from fptui.reports import layout, xlsx

D = dt.date


@pytest.fixture
def workbook(family, tmp_path):
    with clock.frozen(D(2026, 3, 31)):
        ledger.record_birth(
            {
                "mother": family["wife"].id,
                "name": '=HYPERLINK("x")',
                "sex": "M",
                "date": "2026-03-02",
                "place": "县医院",
            }
        )
        path = xlsx.write(
            tmp_path / xlsx.file_name("2026-03", "东于镇"),
            "2026-03",
            unit="东于镇",
            prepared_by="李会计",
        )
    return openpyxl.load_workbook(path), path


def test_a_cover_and_one_sheet_per_layout(workbook):
    book, path = workbook
    assert path.name == "2026-03_东于镇_月报.xlsx"
    assert book.sheetnames == [
        "封面",
        "人口变动情况",
        "出生登记花名册",
        "死亡登记花名册",
        "迁入迁出及流动人口",
        "育龄妇女情况",
        "随访服务",
        "奖励扶助、特别扶助对象",
        "目标管理考核得分",
    ]
    cover = book["封面"]
    assert [cover.cell(r, 2).value for r in (3, 4, 5)] == ["东于镇", "2026年3月", "李会计"]


def test_the_population_sheet_carries_the_tables_figures_and_the_balance(workbook):
    book, _ = workbook
    ws = book["人口变动情况"]
    assert "A1:U1" in {str(r) for r in ws.merged_cells.ranges}  # the title over all columns
    assert "C3:H3" in {str(r) for r in ws.merged_cells.ranges}  # "出生" over its six columns
    assert ws["C3"].value == "出生" and ws["C4"].value == "合计"
    expected = {r.unit: r for r in tables.population_change("2026-03")}
    for y in range(5, 5 + len(expected)):
        unit = ws.cell(y, 1).value
        row = expected[unit]
        assert [ws.cell(y, x).value for x in (2, 3, 14, 15, 16, 17)] == [
            row.start,
            row.flows.births,
            row.late,
            row.added,  # 补登, as the month end counts it
            row.end,
            row.balance,
        ]
    assert ws.print_title_rows == "$3:$4" and ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "B5"


def test_a_formula_looking_name_stays_text(workbook):
    book, _ = workbook
    ws = book["出生登记花名册"]
    cell = ws.cell(5, 3)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")
    assert "本表含个人信息" in ws.cell(2, 1).value  # a named list says so


def test_every_layout_loads_and_a_bad_one_is_refused(tmp_path):
    import shutil

    from fptui.schema import DEFAULT_DIR, SchemaError

    assert len(layout.load()) == 8
    copy = tmp_path / "schemas"
    shutil.copytree(DEFAULT_DIR, copy)
    path = copy / "reports" / "7_benefits.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('table = "benefit_rosters"', 'table = "rosters"'),
        encoding="utf-8",
    )
    with pytest.raises(SchemaError) as caught:
        layout.load(copy)
    assert (caught.value.file, caught.value.key) == (str(path), "report.table")


def test_fptui_export_and_report(ledger_db, family, tmp_path, capsys):
    import json

    from fptui import cli

    number = "11010519491231002X"
    with clock.frozen(D(2026, 3, 31)):
        other = ledger.add_person(
            family["household"], {"name": "赵敏", "sex": "F", "birth_date": "1995-01-01"}
        )
        ledger.record_birth(
            {
                "mother": other.id,
                "name": "赵宝",
                "sex": "F",
                "date": "2026-03-02",
                "id_number": "110105202603020245",
            }
        )
        database = ledger_db.url
        assert (
            cli.main(
                [
                    "--db",
                    database,
                    "export",
                    "--month",
                    "2026-03",
                    "--village",
                    "王家庄村",
                    "-o",
                    str(tmp_path),
                ]
            )
            == 0
        )
        written = capsys.readouterr().out.strip()
        assert written.endswith("2026-03_王家庄村_月报.xlsx")
        assert openpyxl.load_workbook(written).sheetnames[1] == "人口变动情况"
        assert cli.main(["--db", database, "report", "--month", "2026-03"]) == 0
        out = capsys.readouterr().out
        report = json.loads(out)
        population = report["sheets"][0]["rows"]
        assert population[0]["unit"] == "王家庄村" and population[0]["flows"]["births"] == 1
        assert "110105202603020245" not in out and number not in out  # IDs only masked
        assert cli.main(["--db", database, "export", "--month", "2026-3"]) == 2


def test_the_common_words_come_from_return_toml_and_a_missing_one_is_refused(tmp_path):
    import shutil

    from fptui.schema import DEFAULT_DIR, SchemaError

    assert layout.words()["unit_head"].zh == "单位负责人"
    copy = tmp_path / "schemas"
    shutil.copytree(DEFAULT_DIR, copy)
    path = copy / "return.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "\n".join(x for x in text.splitlines() if not x.startswith("unit_head")), encoding="utf-8"
    )
    with pytest.raises(SchemaError) as caught:
        layout.words(copy)
    assert (caught.value.file, caught.value.key) == (str(path), "unit_head")


def test_the_villages_line_holds_the_figures_counted_by_hand(workbook):
    book, _ = workbook
    ws = book["人口变动情况"]
    line = next(y for y in range(5, 10) if ws.cell(y, 1).value == "王家庄村")
    # husband and wife on 1 March; one boy born on 2 March: start 2, births 1 (1 male,
    # the mother's first), no deaths or moves, no late entries, none added by hand, end
    # 3, balanced
    assert [ws.cell(line, x).value for x in range(2, 18)] == [
        2,
        1,
        1,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        0,
    ]
    assert ws.cell(line, 21).value == "-"  # sex ratio at birth: no girl born this year


def test_the_population_sheet_says_how_its_rates_are_counted(workbook, tmp_path):
    import re
    import shutil

    from fptui import schema

    book, _ = workbook
    ws = book["人口变动情况"]
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("注：")]
    assert notes == [
        "注：出生率、死亡率、自然增长率按本年累计计算，分母为年平均人口"
        "（(年初人口+期末人口)÷2），单位‰。"
    ]
    copy = tmp_path / "schemas"
    shutil.copytree(schema.DEFAULT_DIR, copy)
    path = copy / "domain.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^rate_denominator = .*$", 'rate_denominator = "end"', text, flags=re.M)
    text = re.sub(r"^annualise_part_year = .*$", "annualise_part_year = true", text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    schema.use(schema.load(copy))
    try:
        with clock.frozen(D(2026, 3, 31)):
            out = xlsx.write(tmp_path / "end.xlsx", "2026-03", unit="东于镇", lang="en")
        ws = openpyxl.load_workbook(out)["Population change"]
        notes = [
            c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Note")
        ]
        assert notes == [
            "Note: Birth, death and natural growth rates: year to date, per mille of the "
            "population at the end; annualised."
        ]
    finally:
        schema.use(None)
