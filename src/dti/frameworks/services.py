"""Changes to stored frameworks: upload, replace (until a campaign uses it), copy to a new version.

The stored text is the YAML file itself; the engine validates it and every problem is
reported at once with its path in the document. Each function checks permission and state
and writes the change with its audit record in one transaction.
"""

from __future__ import annotations

import hashlib
import re
from typing import IO, TYPE_CHECKING

import yaml
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.core.permissions import Action, require
from dti.engine import MAX_SOURCE_BYTES, FrameworkError, InputError, Problem, parse_framework
from dti.engine import Framework as EngineFramework
from dti.frameworks.models import Framework

if TYPE_CHECKING:
    from dti.accounts.models import User

CODE_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_TOP_LINE = r"^({key}:[ \t]*)(\"[^\"\n]*\"|'[^'\n]*'|[^#\n]*?)([ \t]*(?:#[^\n]*)?)$"


class FrameworkInvalid(ServiceError):
    """The framework text has problems; `problems` lists every one (file, path, message)."""

    def __init__(self, problems: list[Problem], message: str = "") -> None:
        count = len(problems)
        super().__init__(
            message
            or ngettext(
                "Bộ chỉ số có %(count)s lỗi; chưa lưu. Hãy sửa tệp rồi tải lên lại.",
                "Bộ chỉ số có %(count)s lỗi; chưa lưu. Hãy sửa tệp rồi tải lên lại.",
                count,
            )
            % {"count": count}
        )
        self.problems = problems


def read_upload(upload: IO[bytes], *, name: str, size: int | None = None) -> str:
    """The text of an uploaded framework file: .yaml, at most MAX_SOURCE_BYTES, UTF-8."""
    if not name.lower().endswith((".yaml", ".yml")):
        raise ServiceError(_("Tệp %(name)s không phải tệp bộ chỉ số: cần tệp YAML (.yaml).") % {"name": name})
    data = upload.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES or (size is not None and size > MAX_SOURCE_BYTES):
        raise ServiceError(
            _("Tệp %(name)s vượt giới hạn %(limit)s MB của một bộ chỉ số.")
            % {"name": name, "limit": MAX_SOURCE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ServiceError(_("Tệp %(name)s rỗng, không có nội dung.") % {"name": name})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            _(
                "Tệp %(name)s không phải văn bản UTF-8 (byte lạ ở vị trí %(position)s). "
                "Hãy mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8."
            )
            % {"name": name, "position": exc.start}
        ) from exc
    if "\x00" in text:
        raise ServiceError(_("Tệp %(name)s không phải văn bản (có ký tự rỗng): cần tệp YAML.") % {"name": name})
    return text.replace("\r\n", "\n")


def validate(source_text: str, *, file_name: str) -> EngineFramework:
    """The engine's model of the text, or FrameworkInvalid with every problem.

    Besides the engine's checks, the code must be usable as a stored identifier.
    """
    try:
        engine = parse_framework(source_text, file=file_name)
    except FrameworkError as exc:
        raise FrameworkInvalid(list(exc.problems)) from exc
    except InputError as exc:  # over a limit of the YAML reader (size, nesting, aliases)
        raise FrameworkInvalid([Problem(file_name, exc.place, exc.message)]) from exc
    problems = []
    if not CODE_PATTERN.fullmatch(engine.code) or len(engine.code) > 100:
        problems.append(
            Problem(
                file_name,
                "code",
                _(
                    "mã '%(code)s' chỉ được gồm chữ thường không dấu, chữ số và dấu gạch (-, _), "
                    "tối đa 100 ký tự, ví dụ bac-ninh-2024-huyen"
                )
                % {"code": engine.code},
            )
        )
    if len(engine.name) > 300:
        problems.append(Problem(file_name, "name", _("tên dài quá 300 ký tự")))
    if problems:
        raise FrameworkInvalid(problems)
    return engine


def _taken(code: str) -> ServiceError:
    existing = Framework.objects.filter(code=code).first()
    if existing:
        taken = _("Đã có bộ chỉ số mã '%(code)s' (%(name)s, năm %(year)s).") % {
            "code": code,
            "name": existing.name,
            "year": existing.year,
        }
    else:
        taken = _("Đã có bộ chỉ số mã '%(code)s'.") % {"code": code}
    advice = _(
        "Hãy đổi dòng 'code:' trong tệp, hoặc thay nội dung bộ chỉ số đó nếu nó chưa được dùng trong kỳ đánh giá nào."
    )
    return ServiceError(f"{taken} {advice}", field="code")


def _summary(framework: Framework) -> dict[str, str | int]:
    return {
        "code": framework.code,
        "name": framework.name,
        "level": framework.level,
        "year": framework.year,
        "sha256": framework.content_hash,
    }


def framework_upload(*, source_text: str, file_name: str, by: User) -> Framework:
    """Store a new framework from its YAML text, refusing any problem or a code already used."""
    require(by, Action.MANAGE_FRAMEWORKS)
    engine = validate(source_text, file_name=file_name)
    if Framework.objects.filter(code=engine.code).exists():
        raise _taken(engine.code)
    try:
        with transaction.atomic():
            framework = Framework.objects.create(
                code=engine.code,
                name=engine.name,
                level=engine.level.value,
                year=engine.year,
                source=source_text,
                uploaded_by=by,
            )
            record(actor=by, action="framework.upload", obj=framework, new=_summary(framework), comment=file_name)
    except IntegrityError as exc:
        raise _taken(engine.code) from exc
    return framework


def framework_replace(*, framework: Framework, source_text: str, by: User) -> Framework:
    """Replace the content of a framework no campaign uses yet (the code stays the same)."""
    require(by, Action.MANAGE_FRAMEWORKS)
    if framework.is_frozen:
        raise ServiceError(_frozen_message(framework))
    engine = validate(source_text, file_name=f"{framework.code}.yaml")
    if engine.code != framework.code:
        raise ServiceError(
            _(
                "Mã trong tệp mới ('%(new)s') khác mã bộ chỉ số đang thay ('%(code)s'). "
                "Để tạo bộ chỉ số khác, hãy tải lên như một bộ chỉ số mới."
            )
            % {"new": engine.code, "code": framework.code},
            field="code",
        )
    with transaction.atomic():
        locked = Framework.objects.select_for_update().get(pk=framework.pk)
        if locked.is_frozen:  # a campaign took it up since the page was loaded
            raise ServiceError(_frozen_message(locked))
        before = _summary(locked)
        if hashlib.sha256(source_text.encode("utf-8")).hexdigest() == locked.content_hash:
            return locked
        locked.source = source_text
        locked.name, locked.level, locked.year = engine.name, engine.level.value, engine.year
        locked.save()
        record(actor=by, action="framework.replace", obj=locked, old=before, new=_summary(locked))
    return locked


def _frozen_message(framework: Framework) -> str:
    campaigns = sorted({g.campaign.name for g in framework.campaign_groups.select_related("campaign")})
    return _(
        "Bộ chỉ số '%(code)s' đang được dùng trong kỳ đánh giá (%(campaigns)s) nên không thể sửa nội dung: "
        "kết quả đã chấm phải giữ nguyên. Hãy sao chép thành phiên bản mới rồi sửa bản sao."
    ) % {"code": framework.code, "campaigns": "; ".join(campaigns)}


def rewrite_top_level(source_text: str, **values: object) -> str:
    """The text with the top-level `key: value` lines set to new values, comments kept.

    Only lines that start at the first column are top-level keys; nested `code:` lines are
    indented and left alone. Raises ServiceError if a key has no such line.
    """
    text = source_text
    for key, value in values.items():
        rendered = _scalar(value)
        pattern = re.compile(_TOP_LINE.format(key=re.escape(key)), re.MULTILINE)

        def new_line(m: re.Match[str], r: str = rendered) -> str:
            return f"{m.group(1)}{r}{m.group(3)}"

        text, count = pattern.subn(new_line, text, count=1)
        if count == 0:
            raise ServiceError(
                _("Không tìm thấy dòng '%(key)s: …' ở đầu dòng (cấp cao nhất) trong tệp bộ chỉ số để ghi giá trị mới.")
                % {"key": key}
            )
    return text


def _scalar(value: object) -> str:
    """A YAML scalar that reads back as `value` (quoted only when it has to be)."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if isinstance(yaml.safe_load(f"k: {text}").get("k"), str) and text.strip() == text and "#" not in text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def framework_copy(*, framework: Framework, code: str, year: int, by: User) -> Framework:
    """Next year's version: the same text with the top-level `code:` and `year:` rewritten."""
    require(by, Action.MANAGE_FRAMEWORKS)
    code = code.strip()
    if not CODE_PATTERN.fullmatch(code) or len(code) > 100:
        raise ServiceError(
            _("Mã mới chỉ được gồm chữ thường không dấu, chữ số và dấu gạch (-, _), ví dụ bac-ninh-2024-huyen."),
            field="code",
        )
    if not 2000 <= year <= 2100:
        raise ServiceError(_("Năm %(year)s không hợp lệ (cần từ 2000 đến 2100).") % {"year": year}, field="year")
    if Framework.objects.filter(code=code).exists():
        raise _taken(code)
    source_text = rewrite_top_level(framework.source, code=code, year=year)
    engine = validate(source_text, file_name=f"{code}.yaml")
    if engine.code != code or engine.year != year:
        raise ServiceError(_("Không ghi được mã và năm mới vào tệp bộ chỉ số; hãy tải tệp về, sửa và tải lên."))
    try:
        with transaction.atomic():
            copy = Framework.objects.create(
                code=code,
                name=engine.name,
                level=engine.level.value,
                year=year,
                source=source_text,
                copied_from=framework,
                uploaded_by=by,
            )
            record(
                actor=by,
                action="framework.copy",
                obj=copy,
                old=_summary(framework),
                new=_summary(copy),
                comment=f"Sao chép từ {framework.code}",
            )
    except IntegrityError as exc:
        raise _taken(code) from exc
    return copy
