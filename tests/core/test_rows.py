"""`dti.core.rows`: plain rows written with executemany store what the ORM would store, on
SQLite and PostgreSQL: JSON (and a NULL that stays NULL), decimals, flags, keys, the defaults and
`auto_now` times the ORM fills in; in chunks, whatever the number of rows."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dti.assessments.models import Assessment, Entry
from dti.audit import channel
from dti.audit.models import AuditEntry
from dti.audit.services import record, record_many, row
from dti.core import rows
from dti.core.rows import insert_rows, update_rows


def test_an_inserted_row_reads_back_as_the_orm_would_store_it(world: dict[str, Any]) -> None:
    """The same entry through `record` and through `record_many`: equal but for id and time."""
    change: dict[str, Any] = {
        "actor": world["users"]["reporter"],
        "action": "entry.save",
        "obj": world["assessment"],
        "campaign": world["campaign"],
        "unit": world["unit"],
        "code": "I.2",
        "field": "a",
        "old": None,
        "new": {"số": "8,5", "danh sách": [1, True]},
        "comment": "Nhập từ tệp “số liệu.xlsx”",
    }
    before = timezone.now()
    one = record(**change)
    with channel.through(channel.API):
        assert record_many([row(**change)]) == 1
    many = AuditEntry.objects.exclude(pk=one.pk).get()
    columns = [f.attname for f in AuditEntry._meta.concrete_fields if f.attname not in ("id", "created_at", "channel")]
    assert [getattr(many, c) for c in columns] == [getattr(one, c) for c in columns]
    assert many.old is None and AuditEntry.objects.filter(old__isnull=True).count() == 2  # SQL NULL, not JSON null
    assert (one.channel, many.channel) == ("", channel.API)  # the default, read when the rows are written
    assert before <= many.created_at <= timezone.now()


def test_decimals_flags_and_the_auto_now_time(world: dict[str, Any]) -> None:
    reporter = world["users"]["reporter"]
    insert_rows(
        Entry,
        [
            {"assessment_id": world["assessment"].pk, "code": "II.2", "score": Decimal("2.5"), "na_requested": True},
            {"assessment_id": world["assessment"].pk, "code": "I.2", "score": None, "na_requested": False},
        ],
    )
    stored = {e.code: e for e in Entry.objects.all()}
    assert stored["II.2"].score == Decimal("2.5") and stored["II.2"].na_requested is True
    assert stored["I.2"].score is None and stored["I.2"].na_requested is False
    assert stored["I.2"].values == {} and stored["I.2"].version == 0 and stored["I.2"].comment == ""  # defaults
    later = timezone.now() + datetime.timedelta(minutes=5)
    changed = update_rows(
        Entry,
        ("values", "self_score", "updated_by_id", "version", "updated_at"),
        [({"a": "7"}, Decimal("1.25"), reporter.pk, 3, later, stored["I.2"].pk)],
    )
    assert changed == 1
    entry = Entry.objects.get(pk=stored["I.2"].pk)
    assert (entry.values, entry.self_score, entry.updated_by, entry.version) == (
        {"a": "7"},
        Decimal("1.25"),
        reporter,
        3,
    )
    assert entry.updated_at == later
    assert Entry.objects.get(pk=stored["II.2"].pk).updated_at == stored["II.2"].updated_at  # not named: untouched


def test_rows_go_in_chunks_and_nothing_is_sent_for_none(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "CHUNK", 3)
    assessment = world["assessment"]
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Entry, ({"assessment_id": assessment.pk, "code": f"X.{n}"} for n in range(7))) == 7
        assert insert_rows(Entry, []) == 0
        assert update_rows(Entry, ("version",), []) == 0
    assert len(queries) == 3  # 3 + 3 + 1 rows
    assert sorted(Entry.objects.values_list("code", flat=True)) == [f"X.{n}" for n in range(7)]


def test_a_name_that_is_no_column_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Entry has no column assessment_id_x"):
        insert_rows(Entry, [{"assessment_id_x": 1}])
    with pytest.raises(ValueError, match="Assessment has no column entries"):
        update_rows(Assessment, ("entries",), [(1, 1)])


def test_json_values_that_compare_equal_are_stored_as_themselves(world: dict[str, Any]) -> None:
    """A JSON value repeated in a chunk is converted once; True and 1, 1 and "1", 0 and False are
    equal or alike in Python but not in JSON, and each is stored as it was given."""
    given: list[Any] = [True, 1, "1", True, 1, 0, False, "có", "có", {"a": 1}, {"a": True}, [1, "1"], None]
    base = row(actor=world["users"]["reporter"], action="entry.save", obj=world["assessment"])
    assert record_many({**base, "field": str(n), "new": value} for n, value in enumerate(given)) == len(given)
    stored = dict(AuditEntry.objects.values_list("field", "new"))
    read = [stored[str(n)] for n in range(len(given))]
    assert read == given
    assert [type(value) for value in read] == [type(value) for value in given]
    assert AuditEntry.objects.filter(new__isnull=True).count() == 1  # SQL NULL, not JSON null


def test_updates_in_chunks_twice_in_one_transaction(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """7 rows in chunks of 3, then the same table again (on PostgreSQL: its temporary table made
    and dropped each time); each row gets its own values, the others none."""
    monkeypatch.setattr(rows, "CHUNK", 3)
    assessment = world["assessment"]
    insert_rows(Entry, ({"assessment_id": assessment.pk, "code": f"X.{n}"} for n in range(8)))
    pks = dict(Entry.objects.values_list("code", "pk"))
    with transaction.atomic():
        assert update_rows(Entry, ("values", "version"), [({"a": str(n)}, n, pks[f"X.{n}"]) for n in range(7)]) == 7
        assert update_rows(Entry, ("comment",), [("Sửa lại", pks["X.0"])]) == 1
    stored = {e.code: (e.values, e.version, e.comment) for e in Entry.objects.all()}
    assert stored["X.0"] == ({"a": "0"}, 0, "Sửa lại")
    assert [stored[f"X.{n}"] for n in range(1, 7)] == [({"a": str(n)}, n, "") for n in range(1, 7)]
    assert stored["X.7"] == ({}, 0, "")
