"""Publication freezes the results; versions are never changed; an amendment keeps the old version visible."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dti.appraisal.models import Review
from dti.results.models import Immutable, Publication


def test_publication_freezes_the_snapshot(published: dict[str, Any], client: Any) -> None:
    pk = published["campaign"].pk
    before = client.get(f"/ket-qua/{pk}/").content.decode()
    assert "<strong>32</strong>" in before
    # Someone changes a verdict in the database after publication: the public page does not move.
    Review.objects.filter(assessment=published["assessment"], code="I.2").update(score=Decimal("10"))
    Review.objects.filter(assessment=published["assessment"]).update(reason="đổi sau công bố")
    after = client.get(f"/ket-qua/{pk}/").content.decode()
    assert "<strong>32</strong>" in after and "<strong>36</strong>" not in after
    assert Publication.objects.get().snapshot == published["publication"].snapshot


def test_publication_cannot_be_changed_or_deleted(published: dict[str, Any]) -> None:
    publication = Publication.objects.get()
    publication.reason = "sửa"
    with pytest.raises(Immutable):
        publication.save()
    with pytest.raises(Immutable):
        publication.delete()
    with pytest.raises(Immutable):
        Publication.objects.filter(pk=publication.pk).update(reason="x")
    with pytest.raises(Immutable):
        Publication.objects.all().delete()
    assert Publication.objects.get().intact


AMEND = {"unit_0": "", "code_0": "II.2", "score_0": "7,25", "reason": "Sai sót khi nhập điểm II.2"}


def test_amend_page_only_for_organisers(published: dict[str, Any], login: Any) -> None:
    pk = published["campaign"].pk
    for persona in ("chair", "appraiser", "reporter", "viewer"):
        assert login(persona).get(f"/phe-duyet/{pk}/dinh-chinh/").status_code == 403
    for persona in ("organiser", "admin"):
        assert login(persona).get(f"/phe-duyet/{pk}/dinh-chinh/").status_code == 200


def test_amend_needs_a_reason(published: dict[str, Any], login: Any) -> None:
    pk = published["campaign"].pk
    data = {**AMEND, "unit_0": str(published["assessment"].pk), "reason": "  "}
    response = login("organiser").post(f"/phe-duyet/{pk}/dinh-chinh/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Cần nêu lý do đính chính." in html and 'value="7,25"' in html
    assert Publication.objects.count() == 1


def test_amend_bad_code_is_refused(published: dict[str, Any], login: Any) -> None:
    pk = published["campaign"].pk
    data = {**AMEND, "unit_0": str(published["assessment"].pk), "code_0": "IX.9"}
    response = login("organiser").post(f"/phe-duyet/{pk}/dinh-chinh/", data)
    assert response.status_code == 422 and "IX.9" in response.content.decode()
    assert Publication.objects.count() == 1


def test_amendment_is_version_two_and_keeps_version_one(published: dict[str, Any], login: Any, client: Any) -> None:
    pk = published["campaign"].pk
    data = {**AMEND, "unit_0": str(published["assessment"].pk)}
    response = login("organiser").post(f"/phe-duyet/{pk}/dinh-chinh/", data)
    assert response.status_code == 302
    first, second = Publication.objects.order_by("version")
    assert second.version == 2 and second.reason == AMEND["reason"]
    assert second.changes == [{"unit": "UBND huyện Một", "code": "II.2", "old": "6.00", "new": "7.25"}]
    assert first.snapshot == published["publication"].snapshot and first.intact and second.intact

    latest = client.get(f"/ket-qua/{pk}/").content.decode()
    assert "Đã đính chính ngày" in latest and AMEND["reason"] in latest
    assert "<strong>33,25</strong>" in latest  # 10 + 6 + 10 + 7,25
    assert "?phien-ban=1" in latest
    assert '<td class="num">6</td><td class="num">7,25</td>' in latest  # old and new value
    assert second.content_hash in latest

    old = client.get(f"/ket-qua/{pk}/?phien-ban=1")
    assert old.status_code == 200
    html = old.content.decode()
    assert "<strong>32</strong>" in html and "phiên bản hiện hành là 2" in html
    assert first.content_hash in html
    assert client.get(f"/ket-qua/{pk}/?phien-ban=7").status_code == 404

    history = login("organiser").get(f"/phe-duyet/{pk}/dinh-chinh/").content.decode()
    assert AMEND["reason"] in history and "Organiser" in history and "7,25" in history
