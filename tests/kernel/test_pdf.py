"""The PDF kernel (safeguarding.documents.pdf), with the real WeasyPrint; text read back with pypdf.

The documents come from templates/pdf/_test_document.html (a test-only template extending
pdf/base.html). No database: rendering a PDF touches none.
"""

from __future__ import annotations

import io
import logging
import socket
from pathlib import Path

import pytest
import weasyprint
import weasyprint.pdf
from django.conf import settings
from pypdf import PdfReader

from safeguarding.documents.pdf import (
    ASSET_BASE_URL,
    DEFAULT_MARKING,
    PdfFetchRefused,
    StaticFileFetcher,
    render_html,
    render_pdf,
)

TEMPLATE = "pdf/_test_document.html"
SUBJECT = "Amelia Hart, born 4 May 2016"
TITLE = "Initial child protection conference: minutes"
FONT_URL = ASSET_BASE_URL + "vendor/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2"
CSS_URL = ASSET_BASE_URL + "css/pdf.css"
LOGO_URL = ASSET_BASE_URL + "img/letterhead/northmoor-borough-council.svg"
A4_PT = (595.28, 841.89)

pytestmark = pytest.mark.pdf  # the real WeasyPrint (tests/conftest.py swaps in a stand-in elsewhere)

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = "</div><h1>X</h1>"
CSS_BREAKOUT = '"; } body { display:none } "'
CSS_FETCH = '"; } @page { @top-left { content: url(http://evil.example/m.png) } } "'
IMG_TAG = '<img src="https://example.com/x.png">'


def _reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def _flat(text: str) -> str:
    """Text with every run of whitespace as one space (extraction wraps lines where the PDF does)."""
    return " ".join(text.split())


def _squeezed(text: str) -> str:
    """Text without any whitespace: a long string may wrap anywhere, even inside a URL."""
    return "".join(text.split())


def _lines_with_height(page) -> list[tuple[str, float]]:
    """(text, y in points from the bottom of the page) for each piece of text on the page."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def _sections(count: int, paragraphs: int, words: int = 12) -> list[dict]:
    return [
        {
            "heading": f"Heading H{k:02d}",
            "paragraphs": [f"Para P{k:02d}x{j} " + "words of a paragraph " * words for j in range(paragraphs)],
        }
        for k in range(count)
    ]


@pytest.fixture
def no_network(monkeypatch):
    """Record, and refuse, every attempt to resolve a name or open a connection while rendering."""
    attempts: list[tuple] = []

    def refuse(kind):
        def _refuse(*args, **kwargs):
            attempts.append((kind, args[1:] if kind.startswith("socket.") else args))
            raise OSError(f"network disabled in this test ({kind})")

        return _refuse

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


@pytest.fixture(scope="module")
def three_pages():
    """A three-page document (three sections, each after the first on a new page)."""
    fetcher = StaticFileFetcher()
    pdf = render_pdf(
        TEMPLATE, {"sections": _sections(3, paragraphs=3)}, title=TITLE, subject_line=SUBJECT, fetcher=fetcher
    )
    return pdf, fetcher, _reader(pdf)


# --- the page furniture -------------------------------------------------------------------------


def test_marking_page_numbers_and_subject_line_on_every_page(three_pages):
    _, _, reader = three_pages
    assert len(reader.pages) == 3
    for number, page in enumerate(reader.pages, start=1):
        text = _flat(page.extract_text())
        assert text.count(DEFAULT_MARKING) == 2, f"page {number}: marking at top and bottom"
        assert SUBJECT in text, f"page {number}"
        assert f"Page {number} of 3" in text
    assert f"Heading H{2:02d}" in reader.pages[2].extract_text()


def test_marking_sits_at_the_top_and_bottom_centre_and_the_subject_line_in_the_header(three_pages):
    _, _, reader = three_pages
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        placed = _lines_with_height(page)
        marking_heights = sorted(y for text, y in placed if text == DEFAULT_MARKING)
        body_heights = [y for text, y in placed if text.startswith(("Para P", "Heading H", TITLE))]
        subject_heights = [y for text, y in placed if text == SUBJECT]
        assert len(marking_heights) == 2
        bottom, top = marking_heights
        assert top > max(body_heights) and bottom < min(body_heights)
        assert top > height - 30 * 72 / 25.4  # within the 30 mm top margin
        assert bottom < 25 * 72 / 25.4  # within the 25 mm bottom margin
        assert subject_heights and all(max(body_heights) < y < top for y in subject_heights)
        # centred: the marking starts a little left of the middle of the page, at the top and bottom
        starts = []

        def visit(text, cm, tm, font_dict, font_size, starts=starts):
            if text.strip() == DEFAULT_MARKING:
                starts.append(tm[4] * cm[0] + cm[4])

        page.extract_text(visitor_text=visit)
        assert len(starts) == 2 and all(width / 2 - 100 < x < width / 2 for x in starts)


def test_the_pdf_is_a4(three_pages):
    _, _, reader = three_pages
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_PT[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_PT[1], abs=1)


def test_metadata_title_and_language(three_pages):
    _, _, reader = three_pages
    assert reader.metadata.title == TITLE
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.xmp_metadata.dc_title == {"x-default": TITLE}


def test_the_pdf_is_tagged_pdf_ua_1(three_pages):
    pdf, _, reader = three_pages
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert pdf.startswith(b"%PDF-1.7")
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()

    roles = set()

    def walk(node):
        node = node.get_object()
        if "/S" in node:
            roles.add(str(node["/S"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid.get_object(), "get"):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert {"/Document", "/H1", "/H2", "/P"} <= roles


def test_vendored_font_is_served_by_the_fetcher_and_embedded(three_pages):
    _, fetcher, reader = three_pages
    assert CSS_URL in fetcher.served
    assert FONT_URL in fetcher.served
    assert fetcher.refused == []
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert any("Atkinson-Hyperlegible" in name for name in fonts), fonts


def test_the_caller_chooses_the_marking():
    reader = _reader(render_pdf(TEMPLATE, {}, title="A short note", marking="OFFICIAL"))
    text = _flat(reader.pages[0].extract_text())
    assert text.count("OFFICIAL") == 2 and DEFAULT_MARKING not in text
    assert "Page 1 of 1" in text


# --- user data is text, never markup or CSS -----------------------------------------------------


def test_hostile_user_text_renders_as_literal_text_and_fetches_nothing(no_network, caplog):
    fetcher = StaticFileFetcher()
    hostile = f"{SCRIPT} {BREAKOUT} {CSS_BREAKOUT} {IMG_TAG} url(http://evil.example/u.png)"
    with caplog.at_level(logging.WARNING, logger="safeguarding.documents"):
        pdf = render_pdf(
            TEMPLATE,
            {"user_text": hostile, "sections": _sections(1, paragraphs=1)},
            title=TITLE,
            subject_line=f"{SCRIPT} {BREAKOUT} {CSS_FETCH}",
            marking=f"OFFICIAL-SENSITIVE {CSS_BREAKOUT}",
            fetcher=fetcher,
        )
    text = _reader(pdf).pages[0].extract_text()
    for literal in (SCRIPT, BREAKOUT, CSS_BREAKOUT, CSS_FETCH, IMG_TAG, "url(http://evil.example/u.png)"):
        assert _squeezed(literal) in _squeezed(text)
    assert _squeezed(text).count(_squeezed(f"OFFICIAL-SENSITIVE {CSS_BREAKOUT}")) == 2
    assert "Heading H00" in text  # the body was not hidden by the "display:none"
    assert fetcher.refused == []  # no URL in user text was even asked for
    # our stylesheet, fonts and the letterhead's logo (ADR 28), nothing else
    assert all(url == CSS_URL or url.endswith(".woff2") or url == LOGO_URL for url in fetcher.served)
    assert no_network == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_render_html_escapes_and_keeps_user_data_out_of_css():
    html = render_html(
        TEMPLATE,
        {"user_text": CSS_BREAKOUT, "pdf_marking": "NOT THE MARKING", "pdf_lang": "xx"},
        title=TITLE,
        subject_line=f"{SCRIPT} {BREAKOUT}",
    )
    assert SCRIPT not in html and BREAKOUT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;/div&gt;&lt;h1&gt;X&lt;/h1&gt;" in html
    assert "&quot;; } body { display:none } &quot;" in html
    assert "<style" not in html and "style=" not in html  # no CSS in the document at all
    assert "NOT THE MARKING" not in html and html.count(DEFAULT_MARKING) == 2  # render_pdf's keys win
    assert '<html lang="en-GB">' in html
    assert f"<title>{TITLE}</title>" in html
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pdf.css").read_text()
    assert "element(pdfHeader)" in css and "element(pdfFooter)" in css  # margins show elements, not strings


@pytest.mark.parametrize("kwargs", [{"title": ""}, {"title": "   "}, {"title": "T", "lang": 'en" onload="x'}])
def test_a_title_and_a_language_tag_are_required(kwargs):
    with pytest.raises(ValueError):
        render_html(TEMPLATE, {}, **kwargs)


# --- the fetcher ------------------------------------------------------------------------------------


def test_urls_in_a_template_are_refused_and_logged_and_no_connection_is_attempted(no_network, caplog):
    fetcher = StaticFileFetcher()
    srcs = [
        "https://example.com/x.png",
        "http://example.com/y.png",
        "//example.com/z.png",
        "file:///etc/passwd",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
    ]
    with caplog.at_level(logging.WARNING, logger="safeguarding.documents"):
        pdf = render_pdf(TEMPLATE, {"image_srcs": srcs}, title=TITLE, fetcher=fetcher)
    text = _flat(_reader(pdf).pages[0].extract_text())
    assert "Probe image 1" in text  # the document still renders, with alt text in place of the images
    assert "root:" not in text
    assert len(fetcher.refused) == len(srcs)
    assert "https://example.com/x.png" in fetcher.refused
    assert "https://pdf-assets.invalid/etc/passwd" in fetcher.refused  # the ../.. took it out of /static/
    assert all("passwd" not in url for url in fetcher.served)
    assert no_network == []
    refusals = [r for r in caplog.records if r.name == "safeguarding.documents" and r.levelno == logging.WARNING]
    assert len(refusals) == len(srcs)
    assert any("example.com/x.png" in r.getMessage() for r in refusals)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/static/css/pdf.css",
        "http://pdf-assets.invalid/static/css/pdf.css",
        "https://pdf-assets.invalid.example.com/static/css/pdf.css",
        "https://user@pdf-assets.invalid/static/css/pdf.css",
        "ftp://pdf-assets.invalid/static/css/pdf.css",
        "file:///etc/passwd",
        "file:///work/main/static/css/pdf.css",
        "data:text/css,body{display:none}",
        "https://pdf-assets.invalid/etc/passwd",
        "https://pdf-assets.invalid/static/",
        "https://pdf-assets.invalid/static/..%2f..%2fetc/passwd",
        "https://pdf-assets.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://pdf-assets.invalid/static/css/..%5c..%5csafeguarding%5csettings.css",
        "https://pdf-assets.invalid/static//etc/passwd.css",
        "https://pdf-assets.invalid/static/%2Fetc%2Fpasswd.css",
        "https://pdf-assets.invalid/static/css/pdf.css%00.png",
        "https://pdf-assets.invalid/static/C:/windows/win.ini.css",
        "https://pdf-assets.invalid/static/js/js-enabled.js",
        "https://pdf-assets.invalid/static/vendor/fonts/atkinson-hyperlegible/OFL.txt",
        "https://pdf-assets.invalid/static/css/no-such-file.css",
        "https://pdf-assets.invalid/static/css",
    ],
)
def test_the_fetcher_refuses(url, no_network, caplog):
    fetcher = StaticFileFetcher()
    with caplog.at_level(logging.WARNING, logger="safeguarding.documents"), pytest.raises(PdfFetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.served == []
    assert [r.levelname for r in caplog.records if r.name == "safeguarding.documents"] == ["WARNING"]
    assert no_network == []


def test_a_refusal_is_an_ordinary_exception_so_weasyprint_skips_the_resource():
    assert not issubclass(PdfFetchRefused, weasyprint.urls.FatalURLFetchingError)
    assert issubclass(PdfFetchRefused, Exception)


@pytest.mark.parametrize(
    ("url", "content_type", "source"),
    [
        (CSS_URL, "text/css", "static/css/pdf.css"),
        (
            FONT_URL,
            "font/woff2",
            "static/vendor/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2",
        ),
        (CSS_URL + "?v=1#top", "text/css", "static/css/pdf.css"),
    ],
)
def test_the_fetcher_serves_our_static_files(url, content_type, source, no_network):
    fetcher = StaticFileFetcher()
    response = fetcher.fetch(url)
    try:
        assert response.content_type == content_type
        assert response.read() == (Path(settings.BASE_DIR) / source).read_bytes()
    finally:
        response.close()
    assert fetcher.served == [url] and fetcher.refused == []
    assert no_network == []


# --- page breaks ------------------------------------------------------------------------------------


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in _reader(pdf).pages]


def _without_our_rule(html: str, css: str) -> bytes:
    """The same HTML laid out by WeasyPrint with one of pdf.css's rules switched off (a control)."""
    document = weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=StaticFileFetcher())
    return document.write_pdf(stylesheets=[weasyprint.CSS(string=css)])


def test_a_heading_is_never_left_at_the_bottom_of_a_page():
    context = {"flowing": _sections(14, paragraphs=3)}

    def stranded(pages):
        return [
            k for k in range(14) for text in pages if f"Heading H{k:02d}" in text and f"Para P{k:02d}x0" not in text
        ]

    pages = _pages_text(render_pdf(TEMPLATE, context, title=TITLE))
    assert len(pages) >= 3
    assert stranded(pages) == []
    # Control: this document does strand headings when the rule is switched off.
    html = render_html(TEMPLATE, context, title=TITLE)
    assert stranded(_pages_text(_without_our_rule(html, "h2 { break-after: auto !important }")))


def test_table_rows_are_not_split_across_pages():
    entry = "chronology entry text " * 20
    rows = [[f"2026-03-{i % 28 + 1:02d}", f"Row{i:02d}start {entry}Row{i:02d}end", "Sam Worker"] for i in range(40)]

    def split(pages):
        return [i for i in range(40) if not any(f"Row{i:02d}start" in t and f"Row{i:02d}end" in t for t in pages)]

    pages = _pages_text(render_pdf(TEMPLATE, {"rows": rows}, title=TITLE))
    assert len(pages) >= 3
    assert split(pages) == []
    assert all("Recorded by" in _flat(text) for text in pages)  # the header row repeats on every page
    html = render_html(TEMPLATE, {"rows": rows}, title=TITLE)
    assert split(_pages_text(_without_our_rule(html, "tr { break-inside: auto !important }")))


# --- when tagging fails -----------------------------------------------------------------------------


def test_falls_back_to_an_untagged_pdf_when_weasyprint_cannot_tag_it(monkeypatch, caplog):
    def tagging_fails(*args, **kwargs):
        raise AssertionError("simulated WeasyPrint tagging failure")

    monkeypatch.setattr(weasyprint.pdf, "add_tags", tagging_fails)
    with caplog.at_level(logging.ERROR, logger="safeguarding.documents"):
        pdf = render_pdf(TEMPLATE, {}, title=TITLE, subject_line=SUBJECT)
    reader = _reader(pdf)
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert reader.metadata.title == TITLE
    assert SUBJECT in reader.pages[0].extract_text()
    assert any("untagged" in r.getMessage() for r in caplog.records if r.name == "safeguarding.documents")
