"""The looked-after reviews pages, one module per topic (``caseload``)."""
