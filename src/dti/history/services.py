"""Writing the history: recording changes of units, saving code mappings, importing a past year.

Each action is one keyword-only function taking `by`, checking permission and the rules (the
engine's `link_problems` for a change of units), writing and auditing in one transaction and
refusing with a Vietnamese `ServiceError`.

A past year is imported in two steps: `past_import_preview` reads the file with the year's
framework and runs `dti check`'s checks, writing nothing to the database (the file waits in a
staging folder under a random token); `past_import_confirm` then creates the past campaign,
its group and units, and publishes the table through `dti.results.services.import_published`.
"""

from __future__ import annotations

import datetime
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dti.audit.services import record
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.core.errors import ServiceError
from dti.core.imports import upload_too_big
from dti.core.permissions import Action, require
from dti.engine import DtiError, InputError, LineageKind, Link, PastRule, check_appendix, link_problems, read_appendix
from dti.frameworks import services as frameworks
from dti.frameworks.models import Framework
from dti.history.models import CodeMapping, Lineage
from dti.history.selectors import coded
from dti.results.services import import_published
from dti.results.snapshot import framework_part
from dti.units.models import Unit, UnitType

if TYPE_CHECKING:
    from dti.accounts.models import User
    from dti.engine import Framework as EngineFramework

TOKEN = re.compile(r"[0-9a-f]{32}")
FRAMEWORK_FILE = "bo-chi-so.yaml"


# ---------------------------------------------------------------- changes of units


def _lineage_state(lineage: Lineage) -> dict[str, object]:
    return {
        "kind": lineage.kind,
        "effective": lineage.effective.isoformat(),
        "rule": lineage.rule,
        "note": lineage.note,
        "predecessors": sorted(u.name for u in lineage.predecessors.all()),
        "successors": sorted(u.name for u in lineage.successors.all()),
    }


def lineage_save(
    *,
    by: User,
    kind: str,
    effective: datetime.date | None,
    predecessors: Sequence[Unit],
    successors: Sequence[Unit],
    rule: str = PastRule.MEAN.value,
    note: str = "",
    lineage: Lineage | None = None,
) -> Lineage:
    """Record a change of units (or edit `lineage`): refused when the engine's rules find a problem
    (units on each side, a unit succeeding itself, a cycle, dates out of order)."""
    require(by, Action.MANAGE_UNITS)
    if kind not in LineageKind.__members__.values():
        raise ServiceError(_("Hãy chọn loại thay đổi: đổi tên, hợp nhất hoặc chia tách."), field="kind")
    if rule not in PastRule.__members__.values():
        raise ServiceError(_("Hãy chọn cách so sánh với năm trước."), field="rule")
    if effective is None:
        raise ServiceError(_("Cần nhập ngày hiệu lực (dd/mm/yyyy)."), field="effective")
    link = Link(
        LineageKind(kind),
        effective,
        tuple(u.name for u in predecessors),
        tuple(u.name for u in successors),
        PastRule(rule),
    )
    others = Lineage.objects.prefetch_related("predecessors", "successors")
    if lineage is not None:
        others = others.exclude(pk=lineage.pk)
    problems = link_problems(link, [other.link() for other in others])
    if problems:
        raise ServiceError(" ".join(problems))
    with transaction.atomic():
        old = None if lineage is None else _lineage_state(lineage)
        if lineage is None:
            lineage = Lineage(by=by)
        lineage.kind, lineage.effective, lineage.rule, lineage.note = kind, effective, rule, note.strip()
        lineage.by = by
        lineage.save()
        lineage.predecessors.set(predecessors)
        lineage.successors.set(successors)
        record(
            actor=by,
            action="lineage.update" if old else "lineage.create",
            obj=lineage,
            field="lineage",
            old=old,
            new=_lineage_state(lineage),
        )
    return lineage


def lineage_delete(*, by: User, lineage: Lineage) -> None:
    """Remove a recorded change (comparisons stop following it), audited with what it was."""
    require(by, Action.MANAGE_UNITS)
    with transaction.atomic():
        old = _lineage_state(lineage)
        record(actor=by, action="lineage.delete", obj=lineage, field="lineage", old=old)
        lineage.delete()


# ---------------------------------------------------------------- code mappings


def mapping_save(
    *, by: User, old: Framework, new: Framework, pairs: Mapping[str, str], codes: Sequence[str]
) -> list[CodeMapping]:
    """Save the mapping newer code → older code ("" : no counterpart) for every code of `codes` (the
    newer framework's indices and indicators); an older code that does not exist is refused."""
    require(by, Action.MANAGE_FRAMEWORKS)
    if old.pk == new.pk:
        raise ServiceError(_("Hãy chọn hai phiên bản bộ chỉ số khác nhau."))
    known = {code for code, _name in coded(framework_part(old.engine(), old.code, old.content_hash))}
    wrong = sorted({code for code in pairs.values() if code and code not in known})
    if wrong:
        raise ServiceError(
            _("Bộ chỉ số %(framework)s không có mã %(codes)s.") % {"framework": old.code, "codes": ", ".join(wrong)}
        )
    current = CodeMapping.objects.filter(from_framework=old, to_framework=new)
    before = {row.to_code: row.from_code for row in current}
    after = {code: pairs.get(code, "") for code in codes}
    with transaction.atomic():
        current.delete()
        rows = CodeMapping.objects.bulk_create(
            CodeMapping(from_framework=old, to_framework=new, to_code=code, from_code=value, by=by)
            for code, value in after.items()
        )
        record(
            actor=by,
            action="code_mapping.save",
            obj=new,
            field=f"mapping:{old.code}",
            old=before or None,
            new=after,
        )
    return rows


# ---------------------------------------------------------------- importing a past year


def staging_folder() -> Path:
    """Where uploaded files wait between the preview and the confirmation (never the database)."""
    folder = Path(getattr(settings, "HISTORY_STAGING_DIR", "") or Path(tempfile.gettempdir()) / "dti-nhap-ket-qua-cu")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _folder(token: str, by: User) -> Path:
    """The staging folder of one upload of this person; a token that is not ours is refused."""
    if not TOKEN.fullmatch(token or ""):
        raise ServiceError(_("Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại."))
    return staging_folder() / f"{by.pk}-{token}"


def stage(upload: IO[bytes], *, by: User, framework_text: str = "") -> str:
    """Keep an uploaded results table (and an uploaded framework's text, already validated) until
    the import is confirmed; returns the token. The kind is told by the bytes (a workbook, or
    UTF-8 text read as CSV) and the size is limited; the file keeps the name the person gave it."""
    name = Path(str(getattr(upload, "name", "") or "ket-qua")).name
    if message := upload_too_big(upload):
        raise ServiceError(message)
    data = upload.read()
    if not data.strip():
        raise ServiceError(_("Tệp %(file)s rỗng, không có nội dung.") % {"file": name})
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ServiceError(_("Đây là tệp Excel cũ (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx."))
    workbook = data.startswith(b"PK\x03\x04")
    if not workbook:
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ServiceError(
                _("Không đọc được tệp %(file)s: cần tệp Excel (.xlsx) hoặc CSV mã UTF-8.") % {"file": name}
            ) from exc
    suffix = ".xlsx" if workbook else ".csv"
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name).stem)[:100] or "ket-qua"
    token = secrets.token_hex(16)
    folder = _folder(token, by)
    folder.mkdir()
    (folder / f"{stem}{suffix}").write_bytes(data)
    if framework_text:
        (folder / FRAMEWORK_FILE).write_text(framework_text, encoding="utf-8")
    return token


def staged_path(token: str, *, by: User) -> Path:
    """The staged results table of this person's upload `token`; refused when it is not there (any more)."""
    folder = _folder(token, by)
    found = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not found:
        raise ServiceError(_("Phiên nhập không hợp lệ hoặc đã hết hạn; hãy tải tệp lên lại."))
    return found[0]


def staged_framework(token: str, *, by: User) -> str:
    """The text of the framework uploaded with the table ("" when a stored one was chosen)."""
    path = _folder(token, by) / FRAMEWORK_FILE
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def discard(token: str, *, by: User) -> None:
    """Drop a staged upload (after the import, or when the person gives it up)."""
    shutil.rmtree(_folder(token, by), ignore_errors=True)


STAGED_KEEP = datetime.timedelta(hours=24)  # longer than any session (SESSION_MAX_HOURS): then nobody can use it


def drop_stale_staged() -> int:
    """Delete the staged uploads older than STAGED_KEEP that were never imported nor given up
    (the background worker's housekeeping, settings.JOBS_HOUSEKEEPING); how many."""
    before = (timezone.now() - STAGED_KEEP).timestamp()
    stale = [f for f in staging_folder().iterdir() if f.is_dir() and f.stat().st_mtime < before]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return len(stale)


@dataclass(frozen=True)
class Preview:
    """What an import would store, shown before the person confirms: the units (known ones and
    those to be added), every finding of the checks, and the figures as read."""

    file: str
    units: list[str]
    new_units: list[str]
    findings: list[str]
    rows: int
    framework: str  # the framework's name


def past_import_stage(
    *, by: User, upload: IO[bytes], framework: Framework | None, framework_upload: IO[bytes] | None = None
) -> tuple[str, Preview]:
    """Keep the uploaded table (and framework file, when no stored framework is chosen) and preview
    the import: (token for the confirmation, preview). Nothing is written to the database."""
    require(by, Action.MANAGE_CAMPAIGNS)
    text = ""
    if framework is None:
        if framework_upload is None:
            raise ServiceError(_("Hãy chọn bộ chỉ số của năm đó, hoặc tải tệp bộ chỉ số (.yaml) lên."))
        file_name = Path(str(getattr(framework_upload, "name", "") or "bo-chi-so.yaml")).name
        text = frameworks.read_upload(framework_upload, name=file_name)
        frameworks.validate(text, file_name=file_name)
    token = stage(upload, by=by, framework_text=text)
    try:
        return token, past_import_preview(by=by, token=token, framework=framework)
    except ServiceError:
        discard(token, by=by)
        raise


def _framework_of(token: str, by: User, framework: Framework | None) -> EngineFramework:
    if framework is not None:
        return framework.engine()
    return frameworks.validate(staged_framework(token, by=by), file_name=FRAMEWORK_FILE)


def past_import_preview(*, by: User, token: str, framework: Framework | None) -> Preview:
    """Read the staged table (a results file, or an appendix workbook with all its sheets) with the
    year's framework and run the checks of `dti check` on it, across the sheets of a workbook
    (nothing is written). A file that cannot be read is refused with the place of the problem."""
    require(by, Action.MANAGE_CAMPAIGNS)
    path = staged_path(token, by=by)
    engine = _framework_of(token, by, framework)
    try:
        appendix = read_appendix(engine, path)
        findings = [finding.message for finding in check_appendix(engine, appendix)]
    except DtiError as exc:
        raise ServiceError(_("Tệp %(file)s: %(problem)s") % {"file": path.name, "problem": _problem(exc)}) from exc
    names = [row.unit for row in appendix.results().rows]
    known = set(Unit.objects.filter(name__in=names).values_list("name", flat=True))
    return Preview(path.name, names, [n for n in names if n not in known], findings, len(names), engine.name)


def _problem(exc: DtiError) -> str:
    """The engine's place and message, without the staging file's own path (the person knows their file)."""
    if isinstance(exc, InputError):
        return f"{exc.place}: {exc.message}" if exc.place else exc.message
    return str(exc)


def _deadline(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 12, 31, 23, 59))


def past_import_confirm(
    *,
    by: User,
    token: str,
    framework: Framework | None,
    name: str,
    year: int,
    group_name: str,
    organiser: Unit | None,
    unit_type: UnitType,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    signer: str = "",
) -> Campaign:
    """Store the past year: a campaign with one ranking group of the year's framework (the uploaded one
    is stored first, when no stored one was chosen), the table's
    units (those not in the unit list are added, no longer active, of `unit_type`), published as
    imported (`import_published`, which keeps the checks' findings as notes). Audited."""
    require(by, Action.MANAGE_CAMPAIGNS)
    name, group_name = name.strip(), group_name.strip() or _("Nhóm xếp hạng")
    problems = []
    if not name:
        problems.append(_("Cần nhập tên kỳ đánh giá."))
    elif Campaign.objects.filter(name=name).exists():
        problems.append(_("Đã có kỳ đánh giá tên “%(name)s”.") % {"name": name})
    if not 2000 <= year <= timezone.now().year:
        problems.append(_("Năm đánh giá phải từ 2000 đến năm nay."))
    if problems:
        raise ServiceError(" ".join(problems))
    preview = past_import_preview(by=by, token=token, framework=framework)
    path = staged_path(token, by=by)
    with transaction.atomic():
        if framework is None:
            text = staged_framework(token, by=by)
            framework = frameworks.framework_upload(source_text=text, file_name=FRAMEWORK_FILE, by=by)
        campaign = Campaign.objects.create(
            name=name, year=year, organiser=organiser, state=Campaign.State.DRAFT, submission_deadline=_deadline(year)
        )
        group = CampaignGroup.objects.create(campaign=campaign, name=group_name, framework=framework)
        created = _units(preview.new_units, unit_type, organiser)
        units = {u.name: u for u in Unit.objects.filter(name__in=preview.units)}
        Participation.objects.bulk_create(
            Participation(campaign=campaign, group=group, unit=units[n]) for n in preview.units
        )
        import_published(
            campaign=campaign,
            group=group,
            path=path,
            by=by,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            signer=signer.strip(),
        )
        record(
            actor=by,
            action="history.import",
            obj=campaign,
            campaign=campaign,
            field="past_results",
            new={"file": path.name, "framework": framework.code, "units": len(preview.units), "new_units": created},
            comment=path.name,
        )
    discard(token, by=by)
    return campaign


def _units(names: Iterable[str], unit_type: UnitType, parent: Unit | None) -> list[str]:
    """Add the units a past table names that the unit list lacks (they no longer exist: inactive)."""
    created = [Unit(name=n, unit_type=unit_type, parent=parent, is_active=False) for n in names]
    Unit.objects.bulk_create(created)
    return [u.name for u in created]
