"""The deployment's letterhead on every PDF (safeguarding.documents.letterhead, ADR 28), read back from the
real PDF: the first page is headed by the authority's name, service, address and contact with its logo
(served by the kernel's fetcher), every page's footer names the authority, and it all comes from settings."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from safeguarding.documents.letterhead import letterhead
from safeguarding.documents.pdf import ASSET_BASE_URL, StaticFileFetcher, render_html, render_pdf

TEMPLATE = "pdf/_test_document.html"
LONG = {"flowing": [{"heading": "Long section", "paragraphs": ["words of a paragraph " * 60] * 8}]}


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.pdf
def test_the_demo_authority_heads_the_first_page_and_names_itself_on_every_page():
    fetcher = StaticFileFetcher()
    pages = _pages(render_pdf(TEMPLATE, LONG, title="Letterhead probe", fetcher=fetcher))
    assert len(pages) >= 2
    first = pages[0]
    for phrase in ("Northmoor Borough Council", "Children's Services: Safeguarding and Quality Assurance",
                   "Northmoor Civic Centre", "Market Street", "NM1 1AA", "Telephone 01632 960100",
                   "safeguarding@northmoor.gov.test"):
        assert phrase in first, phrase
    assert first.index("NM1 1AA") < first.index("Letterhead probe")  # above the document's own heading
    for page in pages[1:]:
        assert "Northmoor Borough Council" in page  # the footer
        assert "Civic Centre" not in page  # the address heads the first page only
    assert ASSET_BASE_URL + "img/letterhead/northmoor-borough-council.svg" in fetcher.served
    assert not fetcher.refused


@pytest.mark.pdf
def test_another_deployment_sets_its_own_and_production_assumes_nothing(settings):
    settings.LETTERHEAD_NAME = "Westvale City Council"
    settings.LETTERHEAD_ADDRESS = "1 High Street;  ; Westvale; WV1 2AB"
    settings.LETTERHEAD_TELEPHONE = ""
    settings.LETTERHEAD_LOGO = ""
    fetcher = StaticFileFetcher()
    (first,) = _pages(render_pdf(TEMPLATE, {}, title="Letterhead probe", fetcher=fetcher))
    assert "Westvale City Council" in first and "1 High Street Westvale WV1 2AB" in first
    assert "Northmoor" not in first.replace("northmoor.gov.test", "") and "Telephone" not in first
    assert not any("letterhead" in url for url in fetcher.served)

    for name in ("NAME", "SERVICE", "ADDRESS", "TELEPHONE", "EMAIL", "LOGO"):
        setattr(settings, f"LETTERHEAD_{name}", "")
    assert not letterhead()
    html = render_html(TEMPLATE, {}, title="Letterhead probe")
    assert "pdf-letterhead" not in html and "pdf-running-footer-left" not in html


def test_letterhead_values_are_escaped(settings):
    settings.LETTERHEAD_NAME = '<img src="https://example.com/x.png">Council'
    html = render_html(TEMPLATE, {}, title="Letterhead probe")
    assert "&lt;img src=&quot;https://example.com/x.png&quot;&gt;Council" in html
    assert '<img src="https://example.com' not in html
