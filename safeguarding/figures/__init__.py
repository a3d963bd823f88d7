"""Figures: management information as tables, charts drawn on the server, and CSV downloads (ADR 21).

Every figure is a ``Figure``: a title, columns and rows (each row may link to the list behind it, through the
caller's policy). ``templates/includes/figure.html`` renders it as an SVG chart (bars or a trend line; no
script, readable without colour: every bar and point carries its number in words) followed by its data table
and a CSV link; ``figure_csv`` answers the download. Apps build their figures in their selectors (computed in
the database, one grouped query each) and their pages hand them to the include.
"""

from .charts import Column, Figure, FigureRow, bar_geometry, line_geometry  # noqa: F401
from .csv import csv_response, figure_csv, safe_cell  # noqa: F401
