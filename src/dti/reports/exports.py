"""The documents as HTTP downloads: built by `dti.documents` from a snapshot, written in memory,
sent with an ASCII file name (and the Vietnamese one for browsers that read it).

A draft (results not published) is marked "DỰ THẢO" on every page by the builders and is sent
`Cache-Control: private, no-store`; a published version may be cached like the public pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from dti.core.errors import ServiceError
from dti.documents.appendix import build_appendix, decision_number
from dti.documents.content import Document, Heading
from dti.documents.docx import write_docx
from dti.documents.pdf import write_pdf
from dti.documents.report import Previous, Sections, Target, TrendPoint, build_unit_report
from dti.documents.xlsx import write_xlsx
from dti.engine import DtiError
from dti.history.selectors import Previous as PastYear
from dti.history.selectors import unit_trend
from dti.reports.models import Target as SavedTarget
from dti.reports.selectors import Source, UnitAnalysis, decision_date, document_settings, file_name, readable
from dti.results.selectors import dec, unit_slug

if TYPE_CHECKING:
    from dti.campaigns.models import Campaign
    from dti.reports.models import DocumentSettings
    from dti.results.snapshot import Snapshot

REPORT_KINDS = ("docx", "pdf")

Writer = Callable[[Document, Path | BinaryIO], None]
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
WRITERS: dict[str, Writer] = {"xlsx": write_xlsx, "docx": write_docx, "pdf": write_pdf}


def heading_of(snapshot: Snapshot, settings: DocumentSettings) -> Heading:
    """The header block: the issuer as set, the decision's number and date from the snapshot
    (blanks while the council has not decided). A number published without its figure
    ("/QĐ-UBND", as an imported past year may carry it) prints as the blanks before that symbol; a
    date published only in part ("/7/2024") is kept as its text."""
    number, suffix = decision_number(snapshot["decision"]["number"], settings.number_suffix)
    return Heading(
        issuer=settings.issuer,
        parent=settings.parent,
        number=number,
        number_suffix=suffix,
        place=settings.place,
        date=decision_date(snapshot),
        date_text=snapshot["decision"].get("date_text", ""),
    )


def written(document: Document, kind: str) -> bytes:
    """`document` written as `kind` (ServiceError with the reason when it cannot be)."""
    buffer = io.BytesIO()
    try:
        WRITERS[kind](document, buffer)
    except DtiError as exc:  # text the document's font cannot print, say: a message, never a 500
        raise ServiceError(_("Không tạo được văn bản: %(reason)s") % {"reason": exc}) from exc
    return buffer.getvalue()


def download(document: Document, kind: str, name: str, *, draft: bool) -> HttpResponse:
    """`document` written as `kind`, as an attachment named `name` (private when a draft)."""
    response = HttpResponse(written(document, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


def appendix_document(campaign: Campaign, found: Source) -> Document:
    """The appendix of `found`'s results with the campaign's heading."""
    settings = document_settings(campaign)
    return build_appendix(
        found.snapshot,
        heading=heading_of(found.snapshot, settings),
        number=settings.appendix_number,
        title=settings.title,
        draft=found.draft,
    )


def appendix_response(campaign: Campaign, found: Source, kind: str) -> HttpResponse:
    """The appendix as an XLSX, DOCX or PDF download (404 for any other kind)."""
    if kind not in WRITERS:
        raise Http404
    name = file_name(campaign, found, "phu-luc", kind)
    return download(appendix_document(campaign, found), kind, name, draft=found.draft)


def _trend(analysis: UnitAnalysis) -> list[TrendPoint]:
    """The unit's totals and ranks over the years it has (dti.history), this campaign's last."""
    assert analysis.card is not None
    year = analysis.campaign.year
    points = [
        TrendPoint(p.year, p.scores.total, p.scores.rank)
        for p in unit_trend(analysis.unit.name).points
        if p.year < year
    ]
    row = analysis.card.row.data
    return [*points, TrendPoint(year, dec(row["total"]), row["rank"])]


def unit_report_document(analysis: UnitAnalysis) -> Document:
    """The unit's analysis report: the results shown on its page, compared with its previous
    published year (through the unit's lineage and the code mapping: `dti.history`), with its
    notes, the targets the engine can read, and the trend."""
    assert analysis.found is not None and analysis.card is not None
    settings = document_settings(analysis.campaign)
    past = analysis.previous
    previous = None
    if isinstance(past, PastYear):  # a merged unit compares with its predecessors' mean (`figures`)
        figures = None if past.unit is not None else past.figures
        previous = Previous(past.snapshot, past.source_unit, past.pairs.mapping, past.note, figures)
    notes = analysis.notes
    sections = Sections(notes.causes, notes.agencies, notes.measures) if notes else Sections()
    saved = SavedTarget.objects.filter(unit=analysis.unit).order_by("year", "code")
    heading = Heading(issuer=settings.issuer, parent=settings.parent, number_suffix="/BC", place=settings.place)
    return build_unit_report(
        analysis.found.snapshot,
        analysis.unit.name,
        heading=heading,
        previous=previous,
        sections=sections,
        targets=[Target(t.code, t.year, t.ranks) for t in saved if readable(t.ranks)],
        trend=_trend(analysis),
    )


def unit_report_response(analysis: UnitAnalysis, kind: str) -> HttpResponse:
    """The unit's analysis report as a DOCX or PDF download (404 for any other kind, or a unit
    without results)."""
    if kind not in REPORT_KINDS or analysis.found is None or analysis.card is None:
        raise Http404
    document, name = unit_report_named(analysis, kind)
    return download(document, kind, name, draft=analysis.found.draft)


def unit_report_named(analysis: UnitAnalysis, kind: str) -> tuple[Document, str]:
    """The unit's report (marked "DỰ THẢO" before publication) and its file name as `kind`."""
    assert analysis.found is not None
    document = unit_report_document(analysis)
    if analysis.found.draft:
        document = replace(document, draft=True)
    return document, file_name(analysis.campaign, analysis.found, f"bao-cao-{unit_slug(analysis.unit.name)}", kind)
