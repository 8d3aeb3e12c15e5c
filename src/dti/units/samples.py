"""Sample unit lists from the source documents (no Django here: scripts import it too)."""

from __future__ import annotations

# Phụ lục I, Quyết định 1187/QĐ-UBND (06/10/2023) of Bắc Ninh: the 25 assessed units.
BAC_NINH_UNITS = [
    "Ban Quản lý An toàn thực phẩm",
    "Ban Quản lý các khu công nghiệp",
    "Sở Công thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Giao thông vận tải",
    "Sở Kế hoạch và Đầu tư",
    "Sở Khoa học và Công nghệ",
    "Sở Lao động – Thương binh và Xã hội",
    "Sở Nội vụ",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài chính",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Tư pháp",
    "Sở Văn hoá, Thể thao và Du lịch",
    "Sở Xây dựng",
    "Sở Y tế",
    "UBND huyện Gia Bình",
    "UBND huyện Lương Tài",
    "UBND huyện Tiên Du",
    "UBND huyện Yên Phong",
    "UBND Thành phố Bắc Ninh",
    "UBND Thành phố Từ Sơn",
    "UBND Thị xã Quế Võ",
    "UBND Thị xã Thuận Thành",
]


def unit_type_of(name: str) -> str:
    """The unit type from the name's prefix (UBND huyện / thị xã / thành phố, or a department)."""
    lowered = name.lower()
    if lowered.startswith("ubnd huyện"):
        return "huyen"
    if lowered.startswith("ubnd thị xã"):
        return "thi_xa"
    if lowered.startswith("ubnd thành phố"):
        return "thanh_pho"
    return "so"
