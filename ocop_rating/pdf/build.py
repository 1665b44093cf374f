"""``build_pdf``: one place that turns a story (Platypus flowables) or a drawing function into
PDF bytes, with the settings every OCOP PDF shares:

* ``invariant=1``: no creation time, fixed document id, so the same input gives the same bytes
  (a certificate can be re-rendered and compared, cached, or signed);
* Be Vietnam Pro as the canvas's initial font, so the page preamble never pulls in base-14
  Helvetica (which would show in ``pdffonts`` as a non-embedded font);
* metadata (title, author, subject, keywords, language ``vi``);
* optionally the footer "Trang x/y", drawn by a canvas that knows the page count.
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from .fonts import REGULAR, register_fonts

CREATOR = "ocop-rating"
LANG = "vi"
# Decree 30/2020/NĐ-CP, Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
DEFAULT_MARGINS = (30 * mm, 15 * mm, 20 * mm, 20 * mm)  # left, right, top, bottom
FOOTER_FONT_SIZE = 8

DrawFn = Callable[[Canvas], None]
PageFn = Callable[[Canvas, object], None]


def page_label(page: int, pages: int) -> str:
    return f"Trang {page}/{pages}"


class _PdfCanvas(Canvas):
    """A canvas that starts in Be Vietnam Pro and, when asked, numbers its pages "Trang x/y".

    Page numbers need the page count, known only at the end: each finished page's state is
    kept and the pages are emitted in ``save()`` once the count is known.
    """

    page_numbers = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initialFontName", REGULAR)
        kwargs.setdefault("invariant", 1)
        kwargs.setdefault("lang", LANG)
        super().__init__(*args, **kwargs)
        self._kept_pages: list[dict] = []

    def showPage(self):
        if not self.page_numbers:
            return super().showPage()
        self._kept_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        if self.page_numbers:
            if self._code:  # a page drawn but not yet shown
                self.showPage()
            total = len(self._kept_pages)
            for state in self._kept_pages:
                self.__dict__.update(state)
                self._draw_page_number(total)
                Canvas.showPage(self)
            self._kept_pages = []
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setFont(REGULAR, FOOTER_FONT_SIZE)
        self.setFillGray(0.35)
        self.drawCentredString(width / 2, 10 * mm, page_label(self._pageNumber, total))
        self.restoreState()


class _NumberedCanvas(_PdfCanvas):
    page_numbers = True


def _metadata(canv: Canvas, title: str, author: str, subject: str,
              keywords: Sequence[str]) -> None:
    canv.setTitle(title)
    canv.setAuthor(author)
    canv.setSubject(subject)
    canv.setCreator(CREATOR)
    if keywords:
        canv.setKeywords(", ".join(keywords))


def build_pdf(story_or_draw: Sequence | DrawFn, *, pagesize: tuple[float, float], title: str,
              author: str, subject: str, keywords: Sequence[str] = (),
              page_numbers: bool = False, margins: tuple[float, float, float, float] = DEFAULT_MARGINS,
              on_first_page: PageFn | None = None, on_later_pages: PageFn | None = None) -> bytes:
    """Render to PDF bytes, deterministically.

    ``story_or_draw`` is either a list of flowables, laid out in one frame inside ``margins``
    (left, right, top, bottom) with ``on_first_page``/``on_later_pages(canvas, doc)`` called
    for every page before its content, or a function ``draw(canvas)`` that paints the pages
    itself, calling ``canvas.showPage()`` after each (the last one may be left to ``save``).
    ``page_numbers`` adds the footer "Trang x/y" to every page.
    """
    register_fonts()
    buf = io.BytesIO()
    canvas_class = _NumberedCanvas if page_numbers else _PdfCanvas
    if callable(story_or_draw):
        canv = canvas_class(buf, pagesize=pagesize)
        _metadata(canv, title, author, subject, keywords)
        story_or_draw(canv)
        canv.save()
        return buf.getvalue()

    left, right, top, bottom = margins
    doc = BaseDocTemplate(
        buf, pagesize=pagesize, leftMargin=left, rightMargin=right, topMargin=top,
        bottomMargin=bottom, title=title, author=author, subject=subject, creator=CREATOR,
        keywords=list(keywords), invariant=1, lang=LANG, initialFontName=REGULAR,
        displayDocTitle=1,
    )
    frame = Frame(left, bottom, pagesize[0] - left - right, pagesize[1] - top - bottom,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def first(canv, d):
        if on_first_page:
            on_first_page(canv, d)

    def later(canv, d):
        if on_later_pages:
            on_later_pages(canv, d)

    doc.addPageTemplates([
        PageTemplate(id="first", frames=[frame], onPage=first, autoNextPageTemplate="later",
                     pagesize=pagesize),
        PageTemplate(id="later", frames=[frame], onPage=later, pagesize=pagesize),
    ])
    doc.build(list(story_or_draw), canvasmaker=canvas_class)
    return buf.getvalue()
