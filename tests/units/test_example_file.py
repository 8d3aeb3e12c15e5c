"""examples/bac-ninh-2023-don-vi.xlsx: made by its script, and importable into an empty database."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from django.core.management import call_command

from dti.accounts.models import User
from dti.core.roles import Role
from dti.units.models import Unit
from dti.units.samples import BAC_NINH_UNITS, unit_type_of
from dti.units.services import units_import

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "bac-ninh-2023-don-vi.xlsx"


def _script():
    spec = importlib.util.spec_from_file_location("make_units_xlsx", ROOT / "examples" / "make_units_xlsx.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_file_is_what_the_script_writes():
    script = _script()
    assert script.build() == EXAMPLE.read_bytes()
    # the same 25 units (Phụ lục I) and types as the sample data
    assert script.UNITS == BAC_NINH_UNITS
    assert [script.unit_type(n) for n in script.UNITS] == [unit_type_of(n) for n in BAC_NINH_UNITS]


def test_imports_into_an_empty_database(db):
    call_command("create_unit_types", stdout=io.StringIO())
    organiser = User.objects.create_user("tochuc", role=Role.ORGANISER)
    result = units_import(path_or_file=EXAMPLE, by=organiser)
    assert len(result.created) == 26
    province = Unit.objects.get(name="UBND tỉnh Bắc Ninh")
    assert province.parent is None and province.unit_type.code == "tinh"
    assert province.children.count() == 25
    counts = {
        code: province.children.filter(unit_type__code=code).count() for code in ("so", "huyen", "thi_xa", "thanh_pho")
    }
    assert counts == {"so": 17, "huyen": 4, "thi_xa": 2, "thanh_pho": 2}
    # a second import changes nothing
    again = units_import(path_or_file=EXAMPLE, by=organiser)
    assert (len(again.unchanged), Unit.objects.count()) == (26, 26)
