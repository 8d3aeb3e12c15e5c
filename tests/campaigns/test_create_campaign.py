"""campaign_create and /ky-danh-gia/tao-moi/: organisers and admins; the deadline must be ahead."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dti.audit.models import AuditEntry
from dti.campaigns import services
from dti.campaigns.models import Campaign

URL = "/ky-danh-gia/tao-moi/"
REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]


def _future(days: int = 30) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def test_service_creates_and_records(world):
    organiser = world["users"]["organiser"]
    deadline = _future()
    campaign = services.campaign_create(
        name="  Đánh giá DTI   2024 ",
        year=2024,
        submission_deadline=deadline,
        period_start=datetime.date(2023, 10, 1),
        period_end=datetime.date(2024, 9, 30),
        appraisal_deadline=deadline.date() + datetime.timedelta(days=10),
        organiser=world["unit"].parent,
        by=organiser,
    )
    assert (campaign.name, campaign.state) == ("Đánh giá DTI 2024", Campaign.State.DRAFT)
    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.campaign == campaign and entry.actor == organiser
    assert entry.new["period_start"] == "2023-10-01" and entry.new["organiser"] == "UBND tỉnh Thử Nghiệm"


def test_service_refuses_a_deadline_in_the_past(world):
    with pytest.raises(services.Invalid) as exc:
        services.campaign_create(
            name="Kỳ cũ",
            year=2023,
            submission_deadline=timezone.now() - datetime.timedelta(hours=1),
            by=world["users"]["admin"],
        )
    assert "đã qua" in exc.value.errors["submission_deadline"]
    assert not Campaign.objects.filter(name="Kỳ cũ").exists()


def test_service_reports_every_problem_at_once(world):
    deadline = _future()
    with pytest.raises(services.Invalid) as exc:
        services.campaign_create(
            name=" ",
            year=1990,
            submission_deadline=deadline,
            period_start=datetime.date(2024, 9, 30),
            period_end=datetime.date(2023, 10, 1),
            appraisal_deadline=deadline.date() - datetime.timedelta(days=1),
            explanation_deadline=deadline.date() + datetime.timedelta(days=5),
            reappraisal_deadline=deadline.date() + datetime.timedelta(days=4),
            by=world["users"]["admin"],
        )
    errors = exc.value.errors
    assert set(errors) == {
        "name",
        "year",
        "period_end",
        "appraisal_deadline",
        "reappraisal_deadline",
    }
    assert errors["appraisal_deadline"].startswith("Hạn thẩm định (")
    assert "không được trước hạn gửi báo cáo" in errors["appraisal_deadline"]
    assert "không được trước hạn giải trình" in errors["reappraisal_deadline"]


def test_service_checks_permission(world):
    for persona in REFUSED:
        with pytest.raises(PermissionDenied):
            services.campaign_create(name="X", year=2024, submission_deadline=_future(), by=world["users"][persona])


def test_page_refused_to_other_roles(login):
    for persona in REFUSED:
        client = login(persona)
        assert client.get(URL).status_code == 403, persona
        assert client.post(URL, {"name": "X"}).status_code == 403, persona
    response = login("anonymous").get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("persona", ["organiser", "admin"])
def test_page_creates_a_campaign_from_vietnamese_dates(login, persona):
    client = login(persona)
    assert "Tạo kỳ đánh giá" in client.get(URL).content.decode()
    next_year = timezone.localdate().year + 1
    response = client.post(
        URL,
        {
            "name": "Đánh giá DTI năm sau",
            "year": str(next_year),
            "state": "published",  # not a field of the form: a new campaign is always being prepared
            "period_start": f"01/10/{next_year - 1}",
            "period_end": f"30/09/{next_year}",
            "submission_deadline": f"10/10/{next_year} 17:00",
            "appraisal_deadline": f"31/10/{next_year}",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Đã tạo kỳ đánh giá “Đánh giá DTI năm sau”" in body
    campaign = Campaign.objects.get(name="Đánh giá DTI năm sau")
    assert campaign.state == Campaign.State.DRAFT
    local = timezone.localtime(campaign.submission_deadline)
    assert (local.day, local.month, local.hour, local.minute) == (10, 10, 17, 0)
    assert campaign.period_start == datetime.date(next_year - 1, 10, 1)
    assert f"17:00 10/10/{next_year}" in body and f"31/10/{next_year}" in body


def test_page_shows_problems_next_to_their_fields(login):
    response = login("organiser").post(
        URL, {"name": "Kỳ cũ", "year": "2020", "submission_deadline": "01/01/2020 08:00"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Hạn gửi báo cáo 08:00 01/01/2020 đã qua" in body
    assert not Campaign.objects.filter(name="Kỳ cũ").exists()


def test_page_refuses_a_deadline_without_a_time(login):
    response = login("organiser").post(URL, {"name": "X", "year": "2030", "submission_deadline": "10/10/2030"})
    assert response.status_code == 422
    assert "Cần ngày và giờ dạng dd/mm/yyyy hh:mm" in response.content.decode()


def test_the_form_has_no_state(login):
    body = login("organiser").get(URL).content.decode()
    assert 'name="state"' not in body


@pytest.mark.parametrize("name", ["Kỳ đánh giá thử nghiệm 2023", "  KỲ ĐÁNH GIÁ   thử nghiệm 2023 "])
def test_a_name_another_campaign_has_is_refused(world, name):
    with pytest.raises(services.Invalid) as exc:
        services.campaign_create(name=name, year=2023, submission_deadline=_future(), by=world["users"]["organiser"])
    assert "Đã có kỳ đánh giá tên" in exc.value.errors["name"]
    assert Campaign.objects.count() == 1
    assert not AuditEntry.objects.filter(action="campaign.create").exists()


def test_page_refuses_a_name_taken(world, login):
    response = login("organiser").post(
        URL, {"name": "kỳ đánh giá thử nghiệm 2023", "year": "2023", "submission_deadline": "10/10/2030 17:00"}
    )
    assert response.status_code == 422
    assert "Đã có kỳ đánh giá tên “kỳ đánh giá thử nghiệm 2023”" in response.content.decode()
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [
        (2023, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)),  # after the period
        (2021, datetime.date(2022, 10, 1), datetime.date(2023, 9, 30)),  # before it
        (2025, None, datetime.date(2024, 12, 31)),  # after a period given by its end only
        (2022, datetime.date(2023, 1, 1), None),  # before a period given by its start only
    ],
)
def test_a_year_outside_the_data_period_is_refused(world, year, start, end):
    with pytest.raises(services.Invalid) as exc:
        services.campaign_create(
            name="Kỳ lệch năm",
            year=year,
            period_start=start,
            period_end=end,
            submission_deadline=_future(),
            by=world["users"]["organiser"],
        )
    assert f"Năm đánh giá {year} nằm ngoài kỳ số liệu" in exc.value.errors["year"]
    assert not Campaign.objects.filter(name="Kỳ lệch năm").exists()


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [
        (2023, datetime.date(2022, 10, 1), datetime.date(2023, 9, 30)),  # Bắc Ninh: 01/10 to 30/9
        (2022, datetime.date(2022, 10, 1), datetime.date(2023, 9, 30)),
        (2023, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),  # a calendar year
        (2023, None, None),
    ],
)
def test_a_year_inside_the_data_period_is_accepted(world, year, start, end):
    campaign = services.campaign_create(
        name="Kỳ đúng năm",
        year=year,
        period_start=start,
        period_end=end,
        submission_deadline=_future(),
        by=world["users"]["organiser"],
    )
    assert campaign.year == year


def test_page_shows_the_year_outside_the_period_by_its_field(login):
    response = login("organiser").post(
        URL,
        {
            "name": "Kỳ lệch năm",
            "year": "2024",
            "period_start": "01/01/2022",
            "period_end": "31/12/2022",
            "submission_deadline": "10/10/2030 17:00",
        },
    )
    assert response.status_code == 422
    assert "Năm đánh giá 2024 nằm ngoài kỳ số liệu (01/01/2022 – 31/12/2022)" in response.content.decode()
    assert not Campaign.objects.filter(name="Kỳ lệch năm").exists()
