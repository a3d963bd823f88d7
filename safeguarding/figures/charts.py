"""The shape of a figure and the geometry of its chart. Geometry is worked out here, in Python, so the
templates only place numbers: no script, no inline style (the CSP forbids both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChartKind = Literal["bar", "line", ""]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True


@dataclass(frozen=True)
class FigureRow:
    """One row of a figure: its label (the first column), its values in column order (after the label), and
    where the list behind the row lives (empty: no drill-down)."""

    label: str
    values: tuple
    href: str = ""
    key: str = ""


@dataclass
class Figure:
    """A table of numbers that can be charted. ``chart_column`` is the index (in ``values``) of the number the
    chart draws; ``unit`` is appended to it ("%" for shares); ``maximum`` fixes the scale (100 for shares),
    else the largest value sets it."""

    key: str
    title: str
    columns: list[Column]
    rows: list[FigureRow]
    description: str = ""
    chart: ChartKind = "bar"
    chart_column: int = 0
    unit: str = ""
    maximum: float | None = None
    empty_text: str = "Nothing to show for this period."
    notes: list[str] = field(default_factory=list)

    @property
    def label_column(self) -> Column:
        return self.columns[0]

    @property
    def value_columns(self) -> list[Column]:
        return self.columns[1:]

    @property
    def charted(self) -> Column:
        return self.value_columns[self.chart_column]

    def values_of(self, column_key: str) -> list:
        index = [c.key for c in self.value_columns].index(column_key)
        return [row.values[index] for row in self.rows]

    def bars(self) -> list[dict]:
        return bar_geometry(self) if self.chart == "bar" else []

    @property
    def bars_height(self) -> int:
        return bar_chart_height(self)

    def line(self) -> dict:
        return line_geometry(self) if self.chart == "line" else {}

    def csv_rows(self) -> list[list]:
        return [[row.label, *["" if v is None else v for v in row.values]] for row in self.rows]


# --- bars: one horizontal bar per row, its label above it and its number written after it ----------------
# The label takes the whole width above its bar, so the chart reflows to 320 pixels without clipping words.

ROW_HEIGHT = 46
BAR_TOP, BAR_HEIGHT = 20, 16
VALUE_ROOM = 16  # percent kept on the right for the number written after the longest bar


def _scale(figure: Figure) -> float:
    values = [v for v in (row.values[figure.chart_column] for row in figure.rows) if isinstance(v, (int, float))]
    top = figure.maximum if figure.maximum is not None else max(values, default=0)
    return float(top) or 1.0


def bar_geometry(figure: Figure) -> list[dict]:
    """For each row: where its label, bar and number go (y in pixels, x and width in percent of the chart's
    width). A row with no value (None) has no bar and says "no data"."""
    top = _scale(figure)
    plot = 100 - VALUE_ROOM
    bars = []
    for i, row in enumerate(figure.rows):
        value = row.values[figure.chart_column]
        y = i * ROW_HEIGHT
        if value is None:
            width, text = 0.0, "no data"
        else:
            width = round(plot * min(float(value), top) / top, 2)
            text = f"{value}{figure.unit}"
        bars.append({"label_y": y + 14, "bar_y": y + BAR_TOP, "bar_height": BAR_HEIGHT, "width": width,
                     "text_x": round(width + 1, 2), "text_y": y + BAR_TOP + BAR_HEIGHT - 3,
                     "label": row.label, "text": text, "href": row.href})
    return bars


def bar_chart_height(figure: Figure) -> int:
    return max(1, len(figure.rows)) * ROW_HEIGHT


# --- a trend line: the rows are points in order (months), drawn on a fixed 0..maximum scale -----------------

LINE_WIDTH, LINE_HEIGHT, LINE_PAD = 640, 220, 36


def line_geometry(figure: Figure) -> dict:
    """Points (x, y in the viewBox), the polyline's segments (a gap where a row has no value), the axis ticks,
    and each point's label. Each point is a square marker with its number above it, so the line reads without
    colour."""
    top = _scale(figure)
    n = len(figure.rows)
    inner_w, inner_h = LINE_WIDTH - 2 * LINE_PAD, LINE_HEIGHT - 2 * LINE_PAD
    points, segments, current = [], [], []
    for i, row in enumerate(figure.rows):
        value = row.values[figure.chart_column]
        x = LINE_PAD + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        if value is None:
            if current:
                segments.append(current)
            current = []
            points.append({"x": round(x, 1), "y": None, "label": row.label, "text": "no data", "href": row.href})
            continue
        y = LINE_PAD + inner_h * (1 - min(float(value), top) / top)
        current.append(f"{x:.1f},{y:.1f}")
        points.append({"x": round(x, 1), "y": round(y, 1), "label": row.label, "text": f"{value}{figure.unit}",
                       "href": row.href, "text_y": round(y - 9, 1),
                       "marker_x": round(x - 4, 1), "marker_y": round(y - 4, 1)})
    if current:
        segments.append(current)
    ticks = [{"y": round(LINE_PAD + inner_h * (1 - f), 1), "text": f"{round(top * f)}{figure.unit}"}
             for f in (0, 0.5, 1)]
    return {"width": LINE_WIDTH, "height": LINE_HEIGHT, "points": points,
            "segments": [" ".join(s) for s in segments], "ticks": ticks, "left": LINE_PAD,
            "right": LINE_WIDTH - LINE_PAD, "bottom": LINE_HEIGHT - LINE_PAD, "label_y": LINE_HEIGHT - 12}
