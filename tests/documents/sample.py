"""Documents made by hand for the renderers' tests: every paragraph style, a table long enough
to span pages (with a bold mean row, N/A and empty cells), a picture, and a tiny PNG."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from PIL import Image as PilImage

from dti.documents.content import Column, Document, Heading, Image, PageBreak, Paragraph, Row, Style, Table

ISSUER = "Ủy ban nhân dân tỉnh Ninh Bình"
PARENT = "Bộ Khoa học và Công nghệ"
BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; căn cứ kết quả thẩm định "
    "Chỉ số chuyển đổi số năm 2023 của các sở, ban, ngành và Ủy ban nhân dân các huyện, thành phố."
)
LONG_NAME = "Ủy ban nhân dân thành phố Hoa Lư thuộc tỉnh Ninh Bình sau khi sắp xếp đơn vị hành chính"
COLUMNS = (
    Column("stt", "STT", None, 0.6),
    Column("unit", "Đơn vị", None, 4),
    Column("I1", "Nhận thức số (60)", 2),
    Column("I2", "Thể chế số (30)", 2),
    Column("total", "Tổng điểm", 2),
    Column("percent", "Tỷ lệ (%)", 1),
    Column("rank", "Xếp hạng", 0),
)
ROWS = 120


def unit_row(position: int) -> Row:
    """Unit number `position` (from 1): scores whose decimals show the rounding (x,335 → x,34)."""
    name = LONG_NAME if position == 7 else f"UBND huyện Yên Khánh số {position}"
    first = Decimal("58.335") - Decimal(position) / 100
    return Row((position, name, first, Decimal(30), first + 30, Decimal("97.25"), position))


def table() -> Table:
    rows = tuple(unit_row(position) for position in range(1, ROWS + 1))
    mean = Row(("", "Bình quân", Decimal("57.7"), None, "N/A", None, None), bold=True)
    return Table(
        key="Tổng hợp",
        title="Bảng 1. Kết quả đánh giá chung",
        columns=COLUMNS,
        rows=(*rows, mean),
        kind="overall",
        notes=("Ghi chú: (*) Điểm tối đa áp dụng: 485",),
    )


def png(width: int = 300, height: int = 150) -> bytes:
    """A small PNG picture."""
    buffer = io.BytesIO()
    PilImage.new("RGB", (width, height), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def heading(*, number: str = "125/QĐ-UBND", date: datetime.date | None = datetime.date(2024, 3, 5)) -> Heading:
    return Heading(issuer=ISSUER, parent=PARENT, number=number, place="Ninh Bình", date=date)


def decision(*, landscape: bool = False, draft: bool = False, number: str = "125/QĐ-UBND",
             date: datetime.date | None = datetime.date(2024, 3, 5)) -> Document:  # fmt: skip
    """A decision with every paragraph style, the long table, a picture and a page break."""
    return Document(
        heading=heading(number=number, date=date),
        blocks=(
            Paragraph("Quyết định", Style.TITLE),
            Paragraph("Về việc công bố kết quả Chỉ số chuyển đổi số năm 2023", Style.SUBTITLE),
            Paragraph("DỰ THẢO", Style.DRAFT),
            Paragraph("I. Kết quả đánh giá chung", Style.HEADING),
            Paragraph(BODY, Style.BODY),
            table(),
            Paragraph("Số liệu do Sở Khoa học và Công nghệ tổng hợp.", Style.NOTE),
            PageBreak(),
            Image(png(), 80, "Hình 1. Điểm các chỉ số"),
            Paragraph("(Kèm theo Quyết định số 125/QĐ-UBND)", Style.ATTACHED),
        ),
        title="Quyết định công bố Chỉ số chuyển đổi số năm 2023",
        landscape=landscape,
        draft=draft,
        framework="Bộ chỉ số DTI cấp huyện 2023 (ninh-binh-2023-huyen)",
    )


def appendix(*, draft: bool = False) -> Document:
    """An appendix: "PHỤ LỤC" first, its title, the attached line, the table."""
    return Document(
        heading=heading(number="", date=None),
        blocks=(
            Paragraph("Phụ lục I", Style.TITLE),
            Paragraph("KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM 2023", Style.SUBTITLE),
            Paragraph("(Kèm theo Quyết định số      /QĐ-UBND ngày … của UBND tỉnh Ninh Bình)", Style.ATTACHED),
            table(),
        ),
        title="Phụ lục I",
        landscape=True,
        draft=draft,
    )
