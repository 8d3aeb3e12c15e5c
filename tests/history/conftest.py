"""Past years published through the history app's own import, and the changes of units between them.

`history` holds three published years of the test province (organiser UBND tỉnh Thử Nghiệm):
2022 and 2023 with the small framework, 2024 with a new version (`thu-nghiem-2024-huyen`) whose
index II became III ("Thể chế số", same name) and whose II.2 has no counterpart. On 01/01/2024
UBND huyện Ba merged into UBND huyện Một (which kept its name), UBND huyện Hai was renamed
UBND thị xã Hai, and UBND huyện Bốn split into Xã Năm and Xã Sáu.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dti.campaigns.models import Campaign
from dti.frameworks.models import Framework
from dti.history import services
from dti.history.models import Lineage
from dti.units.models import Unit, UnitType
from tests.conftest import SMALL_FRAMEWORK, World

NEW_FRAMEWORK = (
    SMALL_FRAMEWORK.replace("code: thu-nghiem-2023-huyen", "code: thu-nghiem-2024-huyen")
    .replace("year: 2023", "year: 2024")
    .replace('code: "II"', 'code: "III"')
    .replace("code: II.1", "code: III.1")
    .replace("code: II.2", "code: III.2")
    .replace("name: Đánh giá khác", "name: Đánh giá mới")
)

HEADER = "unit,I.1,I.2,I,II.1,II.2,II,total,rank\n"
TABLE_2022 = HEADER + (
    "UBND huyện Một,10,5,15,10,5,15,30,1\nUBND huyện Hai,5,5,10,5,5,10,20,2\nUBND huyện Ba,5,0,5,5,0,5,10,3\n"
)
TABLE_2023 = HEADER + (
    "UBND huyện Một,10,7.5,17.5,10,6,16,33.5,1\n"
    "UBND huyện Ba,10,5.23,15.23,5,5,10,25.23,2\n"
    "UBND huyện Hai,5,10,15,0,4,4,19,3\n"
    "UBND huyện Bốn,0,0,0,0,0,0,0,4\n"
)
TABLE_2024 = "unit,I.1,I.2,I,III.1,III.2,III,total,rank\n" + (
    "UBND huyện Một,10,10,20,10,10,20,40,1\n"
    "UBND thị xã Hai,5,5,10,10,5,15,25,2\n"
    "Xã Năm,5,0,5,5,0,5,10,3\n"
    "Xã Sáu,0,0,0,0,0,0,0,4\n"
)
JANUARY_2024 = datetime.date(2024, 1, 1)


@pytest.fixture(autouse=True)
def _staging(settings: Any, tmp_path: Any) -> None:
    """Each test stages its uploads in a folder of its own."""
    settings.HISTORY_STAGING_DIR = tmp_path / "staging"


def upload(text: str, name: str = "ket-qua.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def publish(world: World, text: str, *, year: int, framework: Framework, name: str = "") -> Campaign:
    """A past year imported and published through the history services, as the organiser."""
    organiser = world["users"]["organiser"]
    token, _preview = services.past_import_stage(by=organiser, upload=upload(text), framework=framework)
    return services.past_import_confirm(
        by=organiser,
        token=token,
        framework=framework,
        name=name or f"Đánh giá chuyển đổi số cấp huyện năm {year}",
        year=year,
        group_name="Nhóm huyện",
        organiser=world["unit"].parent,
        unit_type=UnitType.objects.get(code="huyen"),
        decision_number=f"{year}/QĐ-UBND",
    )


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


@pytest.fixture
def new_framework(db: None) -> Framework:
    return Framework.objects.create(
        code="thu-nghiem-2024-huyen", name="Bộ chỉ số thử nghiệm 2024", level="huyen", year=2024, source=NEW_FRAMEWORK
    )


@pytest.fixture
def history(world: World, small_framework: Framework, new_framework: Framework) -> dict[str, Any]:
    """Three published years and the changes of 01/01/2024 (see the module docstring)."""
    campaigns = {
        2022: publish(world, TABLE_2022, year=2022, framework=small_framework),
        2023: publish(world, TABLE_2023, year=2023, framework=small_framework),
        2024: publish(world, TABLE_2024, year=2024, framework=new_framework),
    }
    organiser = world["users"]["organiser"]
    services.lineage_save(
        by=organiser,
        kind="merge",
        effective=JANUARY_2024,
        predecessors=[unit("UBND huyện Một"), unit("UBND huyện Ba")],
        successors=[unit("UBND huyện Một")],
        note="Nghị quyết sáp nhập",
    )
    services.lineage_save(
        by=organiser,
        kind="rename",
        effective=JANUARY_2024,
        predecessors=[unit("UBND huyện Hai")],
        successors=[unit("UBND thị xã Hai")],
    )
    services.lineage_save(
        by=organiser,
        kind="split",
        effective=JANUARY_2024,
        predecessors=[unit("UBND huyện Bốn")],
        successors=[unit("Xã Năm"), unit("Xã Sáu")],
    )
    assert Lineage.objects.count() == 3
    return {"world": world, "campaigns": campaigns, "old": small_framework, "new": new_framework}
