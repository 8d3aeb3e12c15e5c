"""Sample data for `make demo`: Bắc Ninh 2023 in appraisal, Kim Bảng in progress, Ninh Bình 2022 and 2023 published.

Bắc Ninh 2023 (25 units, both frameworks): 24 units submitted, the appraiser assigned to all
of them, sample adjustments with reasons, one unit appraised, one with an open explanation
request; Gia Bình has not submitted and was given more time. Ninh Bình 2023 is published
from seed 000's appendix as printed, with the decision as the seed gives it; a sample 2022 year
before it (generated from 2023, marked as sample data) gives the analysis reports and the trend
pages a year to compare with.

Idempotent: running it again changes nothing. Every unit's figures other than Kim Bảng's
(transcribed from seed 004) are generated and marked as sample data.
"""

from __future__ import annotations

import csv
import datetime
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from dti.accounts.models import User
from dti.appraisal import explanation
from dti.appraisal import services as reviews
from dti.appraisal.models import Assignment
from dti.assessments.models import Assessment, Entry, Evidence, Transition, to_json
from dti.campaigns.models import Campaign, CampaignGroup, Participation, Reopening
from dti.core.roles import Role
from dti.engine import Field, Indicator, InputType, read_inputs, read_results, spreadsheet_text
from dti.engine import Framework as EngineFramework
from dti.frameworks.models import Framework
from dti.results.services import import_published
from dti.units.models import Unit, UnitType
from dti.units.samples import BAC_NINH_UNITS, unit_type_of

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "dti-demo-2023"

UNIT_TYPES = {
    "tinh": "Tỉnh",
    "so": "Sở, ban, ngành",
    "huyen": "Huyện",
    "thi_xa": "Thị xã",
    "thanh_pho": "Thành phố",
}

ACCOUNTS = [
    # username, full name, role, unit name
    ("quantri", "Quản trị hệ thống", Role.ADMIN, None),
    ("tochuc", "Nguyễn Văn Tổ Chức (Sở TT&TT)", Role.ORGANISER, "Sở Thông tin và Truyền thông"),
    ("kimbang.nhaplieu", "Chu Đức Trung", Role.REPORTER, "UBND huyện Kim Bảng"),
    ("kimbang.lanhdao", "Lãnh đạo UBND huyện Kim Bảng", Role.LEADER, "UBND huyện Kim Bảng"),
    ("thamdinh", "Trần Thị Thẩm Định", Role.APPRAISER, None),
    ("chutich", "Chủ tịch Hội đồng đánh giá", Role.CHAIR, None),
    ("xem", "Người xem", Role.VIEWER, None),
    ("giabinh.nhaplieu", "Cán bộ nhập liệu huyện Gia Bình", Role.REPORTER, "UBND huyện Gia Bình"),
    ("giabinh.lanhdao", "Lãnh đạo UBND huyện Gia Bình", Role.LEADER, "UBND huyện Gia Bình"),
    ("luongtai.nhaplieu", "Cán bộ nhập liệu huyện Lương Tài", Role.REPORTER, "UBND huyện Lương Tài"),
    ("luongtai.lanhdao", "Lãnh đạo UBND huyện Lương Tài", Role.LEADER, "UBND huyện Lương Tài"),
]


def _unit(name: str, type_code: str, parent: Unit | None) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        name=name, defaults={"unit_type": UnitType.objects.get(code=type_code), "parent": parent}
    )
    return unit


def _framework(code: str) -> Framework:
    existing = Framework.objects.filter(code=code).first()
    if existing is not None:
        return existing
    source = (ROOT / "frameworks" / f"{code}.yaml").read_text(encoding="utf-8")
    framework = Framework(code=code, name="", level="", year=0, source=source)
    engine = framework.engine()
    framework.name, framework.level, framework.year = engine.name, engine.level.value, engine.year
    framework.save()
    return framework


def _sample_entries(assessment: Assessment, engine: EngineFramework, rng: random.Random) -> None:
    """Plausible generated figures for every indicator (marked sample data)."""
    for item in engine.indicators:
        if item.reference_only:
            continue
        values = _sample_values(item, rng)
        score = _sample_score(item, rng)
        Entry.objects.create(assessment=assessment, code=item.code, values=values, score=score)


def _sample_values(item: Indicator, rng: random.Random) -> dict[str, object]:
    """An indicator's generated inputs, as stored: each yes/no, choice and percentage drawn in
    field order, then the counts and numbers."""
    values: dict[str, object] = {}
    for field in item.inputs:
        if field.source or field.name == "ratio":
            continue
        values[field.name] = _sample_value(field, rng)  # None for counts and numbers: drawn below
    values.update(_sample_counts(item, rng))
    return {name: value for name, value in values.items() if value is not None}


def _sample_value(field: Field, rng: random.Random) -> object:
    """A yes/no (mostly yes), a choice, or a percentage of 40–100 %; None for other inputs."""
    if field.type is InputType.YES_NO:
        return rng.random() < 0.8
    if field.type is InputType.CHOICE:
        return rng.choice(list(field.options))
    if field.type is InputType.PERCENT:
        return to_json(Decimal(rng.randint(40, 100)) / 100)
    return None


def _sample_counts(item: Indicator, rng: random.Random) -> dict[str, str]:
    """The counts and numbers: in pairs, a numerator of 50–100 % of its denominator; alone, 1–12."""
    names = [f.name for f in item.inputs if not f.source and f.type in (InputType.COUNT, InputType.NUMBER)]
    if len(names) < 2:
        return {name: str(rng.randint(1, 12)) for name in names}
    counts: dict[str, str] = {}
    for numerator, denominator in zip(names[0::2], names[1::2], strict=False):
        total = rng.randint(10, 400)
        counts[denominator] = str(total)
        counts[numerator] = str(rng.randint(int(total * 0.5), total))
    return counts


def _sample_score(item: Indicator, rng: random.Random) -> Decimal | None:
    """A manual indicator's score: 50–100 % of its maximum."""
    if item.scoring.method != "manual" or item.max is None:
        return None
    return (item.max * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))


def _kim_bang_entries(assessment: Assessment, engine: EngineFramework) -> None:
    """Kim Bảng's self-assessment as transcribed from seed 004 (examples/kim-bang-2023-tu-danh-gia.yaml)."""
    unit = read_inputs(engine, ROOT / "examples" / "kim-bang-2023-tu-danh-gia.yaml")[0]
    assessment.general = {code: to_json(value) for code, value in unit.general.items()}
    assessment.save(update_fields=["general"])
    codes = set(unit.values) | set(unit.claimed) | set(unit.na) | set(unit.evidence)
    for code in sorted(codes):
        values = dict(unit.values.get(code, {}))
        manual_score = values.pop("score", None)
        score = manual_score if isinstance(manual_score, Decimal) else None  # read_inputs gives a Decimal
        Entry.objects.create(
            assessment=assessment,
            code=code,
            values={k: to_json(v) for k, v in values.items()},
            score=score,
            self_score=unit.claimed.get(code),
            na_requested=code in unit.na,
            na_reason=unit.na.get(code, ""),
        )
        if code in unit.evidence:  # the report's "Tài liệu kiểm chứng" column, as a reference
            Evidence.objects.create(
                assessment=assessment, code=code, kind=Evidence.Kind.REFERENCE, title=unit.evidence[code][:500]
            )


@transaction.atomic
def load_demo(out: IO[str] | None = None) -> bool:
    """Create the sample data unless already there; True if anything was created."""
    if Campaign.objects.filter(name__startswith="Đánh giá DTI tỉnh Bắc Ninh năm 2023").exists():
        return False
    for code, name in UNIT_TYPES.items():
        UnitType.objects.get_or_create(code=code, defaults={"name": name})
    bac_ninh = _unit("UBND tỉnh Bắc Ninh", "tinh", None)
    ha_nam = _unit("UBND tỉnh Hà Nam", "tinh", None)
    units = {name: _unit(name, unit_type_of(name), bac_ninh) for name in BAC_NINH_UNITS}
    kim_bang = _unit("UBND huyện Kim Bảng", "huyen", ha_nam)
    frameworks = {
        code: _framework(code)
        for code in (
            "bac-ninh-2023-so",
            "bac-ninh-2023-huyen",
            "ha-nam-2023-huyen",
            "ninh-binh-2023-huyen",
            "quoc-gia-2022-tinh",
        )
    }
    users = {}
    for username, full_name, role, unit_name in ACCOUNTS:
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        user = User.objects.create_user(username, password=PASSWORD, full_name=full_name, role=role, unit=unit)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        users[username] = user
    now = timezone.now()
    deadline = timezone.localtime(now + datetime.timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
    closed = timezone.localtime(now - datetime.timedelta(days=5)).replace(hour=17, minute=0, second=0, microsecond=0)
    campaign = Campaign.objects.create(
        name="Đánh giá DTI tỉnh Bắc Ninh năm 2023 (dữ liệu mẫu)",
        year=2023,
        organiser=units["Sở Thông tin và Truyền thông"],
        state=Campaign.State.APPRAISAL,
        period_start=datetime.date(2022, 10, 1),
        period_end=datetime.date(2023, 9, 30),
        submission_deadline=closed,
        appraisal_deadline=(deadline - datetime.timedelta(days=10)).date(),
        explanation_deadline=(deadline - datetime.timedelta(days=20)).date(),
        publication_date=(deadline + datetime.timedelta(days=15)).date(),
        is_sample=True,
    )
    groups = {
        "so": CampaignGroup.objects.create(
            campaign=campaign, name="Nhóm 1: Sở, ban, ngành", framework=frameworks["bac-ninh-2023-so"], order=1
        ),
        "huyen": CampaignGroup.objects.create(
            campaign=campaign,
            name="Nhóm 2: Huyện, thị xã, thành phố",
            framework=frameworks["bac-ninh-2023-huyen"],
            order=2,
        ),
    }
    rng = random.Random(1187)
    assessments = {}
    for name, unit in units.items():
        group = groups["so" if unit.unit_type.code == "so" else "huyen"]
        participation = Participation.objects.create(campaign=campaign, group=group, unit=unit)
        Assignment.objects.create(participation=participation, appraiser=users["thamdinh"])
        if name == "UBND huyện Gia Bình":
            # Not submitted by the deadline: the organiser gave it more time (its reporter starts blank).
            until = deadline
            Reopening.objects.create(
                participation=participation,
                by=users["tochuc"],
                reason="Đơn vị đề nghị gia hạn do thay đổi cán bộ",
                until=until,
            )
            participation.reopened_until = until
            participation.save(update_fields=["reopened_until"])
            continue
        assessment = Assessment.objects.create(
            participation=participation,
            is_sample=True,
            status=Assessment.Status.SUBMITTED,
            submitted_at=closed - datetime.timedelta(days=1),
        )
        Transition.objects.create(
            assessment=assessment, old=Assessment.Status.DRAFT, new=Assessment.Status.SUBMITTED, comment="Dữ liệu mẫu"
        )
        _sample_entries(assessment, group.framework.engine(), rng)
        assessments[name] = assessment
    _sample_appraisal(assessments, users)
    ha_nam_campaign = Campaign.objects.create(
        name="Đánh giá DTI cấp huyện tỉnh Hà Nam năm 2023",
        year=2023,
        organiser=ha_nam,
        state=Campaign.State.OPEN,
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        submission_deadline=deadline,
    )
    group = CampaignGroup.objects.create(
        campaign=ha_nam_campaign, name="Huyện, thị xã, thành phố", framework=frameworks["ha-nam-2023-huyen"]
    )
    participation = Participation.objects.create(campaign=ha_nam_campaign, group=group, unit=kim_bang)
    _kim_bang_entries(Assessment.objects.create(participation=participation), group.framework.engine())
    _ninh_binh(users["quantri"])
    if out is not None:
        out.write("Đã tạo dữ liệu mẫu.\n")
    return True


def _sample_appraisal(assessments: dict[str, Assessment], users: dict[str, User]) -> None:
    """The appraiser's work so far: adjustments with reasons, one unit done, one explanation request open."""
    appraiser, organiser = users["thamdinh"], users["tochuc"]
    for name, adjust in (
        ("UBND Thành phố Bắc Ninh", 1),
        ("UBND huyện Tiên Du", 2),
        ("UBND huyện Lương Tài", 1),
        ("Sở Y tế", 1),
    ):
        assessment = assessments[name]
        framework = assessment.framework()
        ratios = [i for i in framework.indicators if len([f for f in i.inputs if not f.source]) >= 2][:adjust]
        for item in ratios:
            entry = assessment.entries.get(code=item.code)
            numerator = next(f.name for f in item.inputs if not f.source)
            lowered = str(int(Decimal(entry.values[numerator]) * Decimal("0.8")))
            reviews.review_save(
                assessment=assessment,
                code=item.code,
                data={numerator: lowered, "reason": "Số liệu chưa khớp danh sách kèm theo; tính theo số đã xác minh"},
                version=0,
                by=appraiser,
            )
        assessment.refresh_from_db()
    done = assessments["UBND Thành phố Bắc Ninh"]
    reviews.accept_remaining(assessment=done, by=appraiser)
    reviews.finish_appraisal(assessment=done, by=appraiser, comment="Đã thẩm định đầy đủ")
    asked = assessments["UBND huyện Lương Tài"]
    code = next(i.code for i in asked.framework().indicators if not i.reference_only)
    reviews.question_add(
        assessment=asked,
        code=code,
        text="Đề nghị cung cấp văn bản ban hành và danh sách kèm theo làm căn cứ cho số liệu đã báo cáo.",
        by=appraiser,
    )
    explanation.request_explanation(
        assessment=asked, by=organiser, deadline=timezone.now() + datetime.timedelta(days=7)
    )


def _ninh_binh(admin: User) -> None:
    """Ninh Bình 2023, published as printed in seed 000 (decision number and day blank in the original),
    after a sample 2022 generated from it."""
    province = _unit("UBND tỉnh Ninh Bình", "tinh", None)
    table = ROOT / "examples" / "ninh-binh-2023-ket-qua.csv"
    with tempfile.TemporaryDirectory() as folder:
        past = Path(folder) / "ninh-binh-2022-mau.csv"
        _sample_past_year(_framework("ninh-binh-2023-huyen").engine(), table, past)
        _publish_table(
            admin,
            province,
            past,
            name="Đánh giá, xếp hạng mức độ chuyển đổi số cấp huyện tỉnh Ninh Bình năm 2022 (dữ liệu mẫu)",
            year=2022,
            decision_number="/QĐ-UBND",
            signer="UBND tỉnh Ninh Bình",
            sample=True,
        )
    _publish_table(
        admin,
        province,
        table,
        name="Đánh giá, xếp hạng mức độ chuyển đổi số cấp huyện tỉnh Ninh Bình năm 2023",
        year=2023,
        decision_number="/QĐ-UBND",
        decision_date_text="/7/2024",
        signer="UBND tỉnh Ninh Bình",
    )


def _sample_past_year(engine: EngineFramework, table: Path, target: Path) -> None:
    """A sample earlier year: each indicator of the published table lowered by a few steps at
    random (never below zero), written as a results file of indicator scores."""
    rng = random.Random(2022)
    codes = [item.code for item in engine.walk() if not item.reference_only]
    maxima = {item.code: item.max for item in engine.walk()}
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", *codes])
        for row in read_results(engine, table).rows:
            values = []
            for code in codes:
                score = row.scores.get(code)
                if not isinstance(score, Decimal):
                    values.append("N/A" if score else "")
                    continue
                step = (maxima[code] or Decimal(10)) / 10
                lowered = max(Decimal(0), score - step * rng.choice((0, 0, 0, 1, 2, 3)))
                values.append(format(lowered.quantize(Decimal("0.01")), "f"))
            writer.writerow([spreadsheet_text(row.unit), *values])


def _publish_table(
    admin: User,
    province: Unit,
    table: Path,
    *,
    name: str,
    year: int,
    decision_number: str,
    decision_date_text: str = "",
    signer: str,
    sample: bool = False,
) -> None:
    """A Ninh Bình campaign of districts published from a results table as printed."""
    campaign = Campaign.objects.create(
        name=name,
        year=year,
        organiser=province,
        state=Campaign.State.DRAFT,  # set up only to hold the table: import_published publishes it
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        submission_deadline=timezone.make_aware(datetime.datetime(year + 1, 5, 20, 17, 0)),
        is_sample=sample,
    )
    group = CampaignGroup.objects.create(
        campaign=campaign, name="Cấp huyện", framework=_framework("ninh-binh-2023-huyen")
    )
    for unit_name in [row.unit for row in read_results(group.framework.engine(), table).rows]:
        kind = "thanh_pho" if "thành phố" in unit_name.lower() else "huyen"
        Participation.objects.create(campaign=campaign, group=group, unit=_unit(unit_name, kind, province))
    import_published(
        campaign=campaign,
        group=group,
        path=table,
        by=admin,
        decision_number=decision_number,
        decision_date_text=decision_date_text,
        signer=signer,
    )


def print_accounts(out: IO[str]) -> None:
    """The sample accounts, one per role, with the shared demo password."""
    out.write(f"\nTài khoản mẫu (mật khẩu chung: {PASSWORD})\n")
    for username, _full_name, role, unit_name in ACCOUNTS:
        where = f" — {unit_name}" if unit_name else ""
        out.write(f"  {username:<18} {Role(role).label}{where}\n")
