"""PDF rendering: a Django template (autoescaped) -> HTML -> a tagged PDF, through WeasyPrint.

    from safeguarding.documents.pdf import render_pdf
    pdf_bytes = render_pdf("conferences/pdf/minutes.html", {"minutes": minutes},
                           title="Initial child protection conference: minutes",
                           subject_line="Amelia Hart, born 4 May 2016")

Every PDF template extends ``pdf/base.html`` (blocks ``title`` and ``content``). The base puts the
protective marking at the top and bottom centre of every page, the subject line in the header of
every page and "Page X of Y" in the footer; the deployment's letterhead (``letterhead.py``, from settings)
heads the first page and its name is in the footer of every page (ADR 28). The marking and the
subject line are user data: they reach the page as escaped HTML in WeasyPrint *running elements*,
never inside a CSS string, so no value can break out into CSS.

Nothing is fetched from the network or from the file system at large. WeasyPrint asks
``StaticFileFetcher`` for every stylesheet, font and image; it serves only files that Django's
staticfiles finders know (the source files under ``static/`` and apps' ``static/`` directories), by
their source name under ``/static/`` (not ``{% static %}``, which gives hashed names in production),
and refuses everything else: http(s) to any real host, ``file:``, ``data:``, path traversal. A refusal
raises ``PdfFetchRefused``; WeasyPrint logs it and leaves the resource out. See docs/adr/0006.

WOFF2 fonts reach WeasyPrint already decompressed, from a per-process cache (``woff2_to_sfnt``):
WeasyPrint would otherwise decompress every font again for every document. ``StaticFileFetcher.fetch``
itself still answers with the file's own bytes.

``render_pdf`` is the template step (``render_html``) followed by the layout step (``html_to_pdf``).
The test suite replaces ``html_to_pdf`` with a tiny fixed PDF except in tests marked ``pdf``
(tests/conftest.py), so the templates are still rendered everywhere.
"""

from __future__ import annotations

import io
import logging
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import weasyprint
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from fontTools.ttLib import woff2
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .letterhead import letterhead

logger = logging.getLogger("safeguarding.documents")

__all__ = [
    "ASSET_BASE_URL",
    "DEFAULT_MARKING",
    "PdfFetchRefused",
    "StaticFileFetcher",
    "html_to_pdf",
    "render_html",
    "render_pdf",
]

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"

# The origin the PDF's relative and root-relative URLs resolve against. ``.invalid`` is reserved
# (RFC 2606) and never resolves; the fetcher recognises this exact origin and never opens a socket.
ASSET_ORIGIN = "https://pdf-assets.invalid"
STATIC_PREFIX = "/static/"
ASSET_BASE_URL = ASSET_ORIGIN + STATIC_PREFIX

# What a PDF may load: stylesheets, fonts and images. Scripts and anything else are refused.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
MAX_ASSET_BYTES = 5 * 1024 * 1024

PDF_VARIANT = "pdf/ua-1"  # tagged, with title, language and DisplayDocTitle; PDF 1.7

# BCP 47, loosely: "en-GB", "cy", "pa-Guru-IN". It goes into an HTML attribute (escaped anyway).
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_LOG_URL_MAX = 200


class PdfFetchRefused(Exception):  # noqa: N818 (the name is the published API)
    """The PDF asked for a URL that the fetcher will not serve.

    An ordinary ``Exception`` on purpose: WeasyPrint catches it, logs it and renders without the
    resource (a ``FatalURLFetchingError`` would stop the whole rendering).
    """


@lru_cache(maxsize=16)
def woff2_to_sfnt(font: bytes) -> bytes:
    """The TrueType/OpenType font inside a WOFF2 font, decompressed once per process (keyed by the bytes).

    Anything that is not a readable WOFF2 font comes back as it was (WeasyPrint then decides)."""
    if not font.startswith(b"wOF2"):
        return font
    out = io.BytesIO()
    try:
        woff2.decompress(io.BytesIO(font), out)
    except Exception:  # noqa: BLE001 - a broken font is WeasyPrint's to log and skip, as before
        logger.debug("PDF font not decompressed: not a readable WOFF2 file")
        return font
    return out.getvalue()


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only our static files and refuses everything else.

    ``served`` and ``refused`` list the URLs asked for, in order, so that callers and tests can see
    what a rendering touched. One instance per rendering.
    """

    def __init__(self) -> None:
        # The parent's opener is never used (``fetch`` is replaced), but in case anything ever
        # reached it: no protocol is allowed and redirects are not followed.
        super().__init__(allowed_protocols=frozenset(), allow_redirects=False, fail_on_errors=False)
        self.served: list[str] = []
        self.refused: list[str] = []

    def __call__(self, url: str) -> URLFetcherResponse:
        """What WeasyPrint calls: ``fetch``, with a WOFF2 font handed over decompressed (from the cache)."""
        response = self.fetch(url)
        if response.content_type != ALLOWED_TYPES[".woff2"]:
            return response
        try:
            font = response.read()
        finally:
            response.close()
        sfnt = woff2_to_sfnt(font)
        content_type = "font/ttf" if sfnt is not font else ALLOWED_TYPES[".woff2"]
        return URLFetcherResponse(url, body=sfnt, headers={"Content-Type": content_type})

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            path, content_type = self._resolve(url)
            size = path.stat().st_size
            if size > MAX_ASSET_BYTES:
                raise PdfFetchRefused(f"larger than {MAX_ASSET_BYTES} bytes")
            body = path.read_bytes()
        except PdfFetchRefused as exc:
            self._refuse(url, str(exc))
            raise
        except OSError as exc:
            self._refuse(url, f"unreadable: {exc.__class__.__name__}")
            raise PdfFetchRefused("unreadable static file") from exc
        self.served.append(url)
        logger.debug("PDF asset served: %s", url)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _refuse(self, url: str, reason: str) -> None:
        self.refused.append(url)
        shown = url if len(url) <= _LOG_URL_MAX else url[:_LOG_URL_MAX] + "…"
        logger.warning("PDF rendering refused to fetch %r: %s", shown, reason)

    @staticmethod
    def _resolve(url: str) -> tuple[Path, str]:
        """The static file behind ``url`` and its content type, or ``PdfFetchRefused``."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise PdfFetchRefused("malformed URL") from exc
        if parts.scheme.lower() != "https" or parts.netloc.lower() != urlsplit(ASSET_ORIGIN).netloc:
            raise PdfFetchRefused("only our static files are served (no network, no file:, no data:)")
        if not parts.path.startswith(STATIC_PREFIX):
            raise PdfFetchRefused(f"not under {STATIC_PREFIX}")
        name = unquote(parts.path[len(STATIC_PREFIX) :])
        segments = name.split("/")
        if (
            not name
            or "\\" in name
            or "\x00" in name
            or ":" in name
            or any(segment in ("", ".", "..") for segment in segments)
        ):
            raise PdfFetchRefused("not a plain static path")
        suffix = PurePosixPath(name).suffix.lower()
        content_type = ALLOWED_TYPES.get(suffix)
        if content_type is None:
            raise PdfFetchRefused(f"file type {suffix or '(none)'} is not served to PDFs")
        found = finders.find(name)  # safe_join underneath: raises for anything outside a root
        if not found:
            raise PdfFetchRefused("no such static file")
        path = Path(found)
        if not path.is_file():
            raise PdfFetchRefused("not a file")
        return path, content_type


def _pdf_context(
    context: dict[str, Any] | None, *, title: str, marking: str, subject_line: str, lang: str
) -> dict[str, Any]:
    if not title or not title.strip():
        raise ValueError("a PDF needs a title (it becomes the document title read out by screen readers)")
    if not _LANG_RE.match(lang):
        raise ValueError(f"not a language tag: {lang!r}")
    return {
        **(context or {}),
        # Set last, so a caller's context cannot replace them by accident.
        "pdf_title": title,
        "pdf_marking": marking,
        "pdf_subject_line": subject_line,
        "pdf_lang": lang,
        "pdf_letterhead": letterhead(),
    }


def render_html(
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    title: str,
    marking: str = DEFAULT_MARKING,
    subject_line: str = "",
    lang: str = "en-GB",
) -> str:
    """The HTML that ``render_pdf`` would lay out: for a preview in the browser, or for tests.

    Fetches nothing. Django autoescaping applies as in any template. In a browser the page-margin
    boxes (marking, subject line, page numbers) do not show: they are a print feature.
    """
    ctx = _pdf_context(context, title=title, marking=marking, subject_line=subject_line, lang=lang)
    return get_template(template_name).render(ctx)


def render_pdf(
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    title: str,
    marking: str = DEFAULT_MARKING,
    subject_line: str = "",
    lang: str = "en-GB",
    fetcher: StaticFileFetcher | None = None,
) -> bytes:
    """Render ``template_name`` (which extends ``pdf/base.html``) with ``context`` to PDF bytes.

    ``title`` becomes the PDF's document title, ``lang`` its language; ``marking`` and
    ``subject_line`` show on every page. ``fetcher`` is for callers that want to see what was
    fetched (``fetcher.served`` / ``fetcher.refused``); by default a fresh ``StaticFileFetcher``.

    The PDF is PDF/UA-1 (tagged). Should WeasyPrint fail to tag some construct, the error is logged
    and the same layout is written untagged, so that a statutory record is never lost to tagging.
    """
    html = render_html(template_name, context, title=title, marking=marking, subject_line=subject_line, lang=lang)
    return html_to_pdf(html, title=title, lang=lang, fetcher=fetcher, source=template_name)


def html_to_pdf(
    html: str, *, title: str, lang: str = "en-GB", fetcher: StaticFileFetcher | None = None, source: str = ""
) -> bytes:
    """Lay out ``html`` (from ``render_html``) with WeasyPrint and write the tagged PDF.

    ``source`` (the template's name) is only for the log. The test suite swaps this function for a tiny
    fixed PDF outside tests marked ``pdf``.
    """
    fetcher = fetcher if fetcher is not None else StaticFileFetcher()
    document = weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=fetcher).render()
    # Whatever a template put in <title> or <html lang>, the metadata says what the caller asked.
    document.metadata.title = title
    document.metadata.lang = lang
    try:
        return document.write_pdf(pdf_variant=PDF_VARIANT)
    except Exception:
        logger.exception("Tagged PDF (%s) failed for %s; writing it untagged", PDF_VARIANT, source or "a document")
        return document.write_pdf(pdf_tags=False)
