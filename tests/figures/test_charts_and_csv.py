"""The figure kernel without a database: the geometry the chart templates place, and the CSV download."""

from __future__ import annotations

from safeguarding.figures import Column, Figure, FigureRow, bar_geometry, csv_response, line_geometry, safe_cell


def figure(values, chart="bar", maximum=None):
    return Figure("f", "Figure", [Column("label", "Label", numeric=False), Column("n", "Number")],
                  [FigureRow(f"Row {i}", (v,)) for i, v in enumerate(values)], chart=chart, maximum=maximum,
                  unit="%")


def test_bars_scale_to_the_largest_value_or_the_fixed_maximum_and_say_their_number():
    bars = bar_geometry(figure([10, 40, None]))
    assert [b["width"] for b in bars] == [21.0, 84.0, 0.0]  # 84 % of the width is the plotting area
    assert [b["text"] for b in bars] == ["10%", "40%", "no data"]
    assert [b["label"] for b in bars] == ["Row 0", "Row 1", "Row 2"]
    assert bars[1]["bar_y"] > bars[0]["bar_y"]
    assert [b["width"] for b in bar_geometry(figure([50, 100], maximum=100))] == [42.0, 84.0]
    assert [b["width"] for b in bar_geometry(figure([0, 0]))] == [0.0, 0.0]  # no division by zero


def test_a_line_breaks_where_a_month_has_no_data_and_every_point_carries_its_number():
    line = line_geometry(figure([100, None, 50, 0], chart="line", maximum=100))
    assert len(line["segments"]) == 2
    top, bottom = line["points"][0]["y"], line["points"][3]["y"]
    assert top < line["points"][2]["y"] < bottom == line["bottom"]
    assert [p["text"] for p in line["points"]] == ["100%", "no data", "50%", "0%"]
    assert line["points"][1]["y"] is None
    assert [t["text"] for t in line["ticks"]] == ["0%", "50%", "100%"]


def test_csv_has_a_bom_the_table_s_rows_and_no_formula_cells():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("-1") == "'-1" and safe_cell(-1) == -1
    resp = csv_response("Met on time: 2026", ["Team", "On time"], [["=cmd", 3], ["Team A", None]])
    body = resp.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert body.splitlines()[1:] == ["'=cmd,3", "Team A,"]
    assert resp["Content-Disposition"] == 'attachment; filename="met-on-time-2026.csv"'
    assert resp["Content-Type"].startswith("text/csv")
