"""The chair's page at campaign scale: one ranking group at a time, searched and paged, from the stored results;
the publication and the amendments as background jobs."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from dti.assessments.models import Assessment
from dti.campaigns.models import CampaignGroup, Participation
from dti.jobs.models import Job
from dti.results.chair import LISTED
from dti.results.models import Publication
from dti.units.models import Unit
from tests.results.test_publication import AMEND
from tests.test_list_queries import add_units

S = Assessment.Status


def url(world: dict[str, Any], query: str = "") -> str:
    return f"/phe-duyet/{world['campaign'].pk}/{query}"


def ranking(html: str) -> str:
    """The page's ranking table (the lists of units not ready name units of every group)."""
    return html.split('<table class="ranking', 1)[1].split("</table>", 1)[0]


def test_a_large_group_is_shown_a_page_at_a_time(appraising: dict[str, Any], login: Any) -> None:
    add_units(appraising, 0, 105)  # with UBND huyện Một and Hai: 107 units, 100 a page
    client = login("chair")
    first = client.get(url(appraising)).content.decode()
    second = client.get(url(appraising, "?trang=2")).content.decode()
    rows = [html.count('<td class="fixed">') for html in (first, second)]
    assert rows == [100, 7]
    assert "Trang 1/2" in first and "Trang 2/2" in second
    assert "107 đơn vị" in first


def test_the_search_finds_units_by_name(appraising: dict[str, Any], login: Any) -> None:
    add_units(appraising, 0, 30)
    html = login("chair").get(url(appraising, "?q=s%E1%BB%91+02")).content.decode()  # "số 02", any case
    assert ranking(html).count('<td class="fixed">') == 10
    assert "UBND huyện Số 029" in ranking(html) and "UBND huyện Một" not in ranking(html)
    assert "10 đơn vị" in html


def test_each_group_has_its_own_page(appraising: dict[str, Any], login: Any) -> None:
    other = CampaignGroup.objects.create(
        campaign=appraising["campaign"], name="Nhóm thị xã", framework=appraising["group"].framework, order=1
    )
    Participation.objects.filter(unit=appraising["other_unit"]).update(group=other)
    client = login("chair")
    first = client.get(url(appraising)).content.decode()
    second = client.get(url(appraising, "?nhom=2")).content.decode()
    assert "Nhóm huyện (1)" in first and "Nhóm thị xã (1)" in first
    assert "UBND huyện Một" in ranking(first) and "UBND huyện Hai" not in ranking(first)
    assert "UBND huyện Hai" in ranking(second) and "UBND huyện Một" not in ranking(second)
    assert client.get(url(appraising, "?nhom=9")).status_code == 200  # out of range: the last group


def test_the_units_not_ready_are_counted_and_the_first_listed(appraising: dict[str, Any], login: Any) -> None:
    add_units(appraising, 0, LISTED + 5, S.IN_APPRAISAL)
    add_units(appraising, 100, 3, S.DRAFT)
    unit = Unit.objects.create(name="UBND huyện Chưa Mở", unit_type=appraising["unit"].unit_type)
    Participation.objects.create(campaign=appraising["campaign"], group=appraising["group"], unit=unit)
    html = login("chair").get(url(appraising)).content.decode()
    assert f"Hiện {LISTED}/{LISTED + 7} đơn vị" in html  # 55 added, and UBND huyện Một and Hai (submitted)
    assert "(4)" in html and "UBND huyện Chưa Mở" in html and "UBND huyện Số 102" in html


def test_publication_runs_as_a_background_job(approved: dict[str, Any], login: Any) -> None:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        response = login("organiser").post(url(approved, "cong-bo/"))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "dti.results.jobs.publish" and job.args == {"campaign": approved["campaign"].pk}
    assert job.title == "Công bố kết quả Kỳ đánh giá thử nghiệm 2023"
    assert not Publication.objects.exists()  # not yet: a worker runs it


def test_a_publication_under_way_is_shown_and_not_started_twice(approved: dict[str, Any], login: Any) -> None:
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    organiser, chair = login("organiser"), login("chair")
    with override_settings(TASKS=dummy):
        organiser.post(url(approved, "cong-bo/"))
        mine = organiser.get(url(approved, "cong-bo/")).content.decode()
        theirs = chair.get(url(approved, "cong-bo/")).content.decode()
        again = chair.post(url(approved, "cong-bo/"))
    job = Job.objects.get()
    assert "Kết quả đang được công bố: việc chạy nền do Organiser bắt đầu lúc" in mine
    assert f'id="viec-{job.pk}"' in mine and f'id="viec-{job.pk}"' not in theirs  # the progress: its owner's
    assert 'name="confirm"' not in mine and 'name="confirm"' not in theirs
    assert again.status_code == 422
    assert (
        "Kết quả đang được công bố (việc chạy nền do Organiser bắt đầu); hãy chờ việc đó xong."
        in again.content.decode()
    )
    assert Job.objects.count() == 1


def test_a_publication_refused_is_refused_before_any_job(appraised: dict[str, Any], login: Any) -> None:
    response = login("organiser").post(url(appraised, "cong-bo/"))
    assert response.status_code == 422
    assert "Không thể chuyển kỳ đánh giá sang “Đã công bố”" in response.content.decode()
    assert not Job.objects.exists() and not Publication.objects.exists()


def test_an_inline_publication_answers_at_once(approved: dict[str, Any], login: Any) -> None:
    response = login("organiser").post(url(approved, "cong-bo/"), follow=True)
    publication = Publication.objects.get()
    assert response.redirect_chain[-1][0] == f"/ket-qua/{approved['campaign'].pk}/"
    assert f"mã băm {publication.content_hash[:12]}" in response.content.decode()
    assert Job.objects.get().state == Job.State.DONE


def test_an_amendment_runs_as_a_background_job(published: dict[str, Any], login: Any) -> None:
    data = {**AMEND, "unit_0": str(published["assessment"].pk)}
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        response = login("organiser").post(url(published, "dinh-chinh/"), data)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "dti.results.jobs.amend"
    assert job.args["changes"] == [[published["assessment"].pk, AMEND["code_0"], AMEND["score_0"]]]
    assert Publication.objects.count() == 1  # not yet: a worker writes version 2
