"""What the read endpoints answer: the stored data with stable ids and codes, filters and pages, the
engine's scores as the web page shows them, and the published results as the public site shows them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.test import Client

from dti.assessments.selectors import assessment_page
from tests.api.conftest import bearer
from tests.conftest import SMALL_FRAMEWORK, World
from tests.results.conftest import appraised, approved, published

# The fixtures of the appraisal and the publication, asked for by name.
__all__ = ["appraised", "approved", "published"]


def test_frameworks_listed_read_and_downloaded(world: World, api_as: Callable[[str], Client]) -> None:
    client = api_as("reporter")
    framework = world["group"].framework
    listed = client.get("/api/frameworks?year=2023&level=huyen").json()
    assert listed["count"] == 1 and listed["items"][0]["code"] == "thu-nghiem-2023-huyen"
    assert client.get("/api/frameworks?year=2024").json() == {"items": [], "count": 0}
    read = client.get(f"/api/frameworks/{framework.pk}").json()
    assert read["content_hash"] == framework.content_hash
    assert [i["code"] for i in read["indices"]] == ["I", "II"]
    indicator = read["indices"][0]["indicators"][1]
    assert (indicator["code"], indicator["max"], indicator["inputs"]) == ("I.2", "10", ["a", "b", "ratio"])
    assert indicator["method"]
    source = client.get(f"/api/frameworks/{framework.pk}/source")
    assert source["Content-Type"] == "application/yaml; charset=utf-8"
    assert source.content.decode() == SMALL_FRAMEWORK


def test_units_filtered_and_paged(world: World, api_as: Callable[[str], Client]) -> None:
    client = api_as("viewer")
    province = world["unit"].parent
    assert client.get("/api/units").json()["count"] == 3
    districts = client.get(f"/api/units?type=huyen&parent_id={province.pk}").json()
    assert [u["name"] for u in districts["items"]] == ["UBND huyện Hai", "UBND huyện Một"]
    assert [u["name"] for u in client.get("/api/units?q=một").json()["items"]] == ["UBND huyện Một"]
    page = client.get("/api/units?limit=1&offset=1").json()
    assert page["count"] == 3 and [u["name"] for u in page["items"]] == ["UBND huyện Một"]


def test_a_campaign_with_its_groups_and_deadlines(world: World, api_as: Callable[[str], Client]) -> None:
    client = api_as("leader")
    campaign = world["campaign"]
    assert [c["id"] for c in client.get("/api/campaigns?state=open&year=2023").json()["items"]] == [campaign.pk]
    assert client.get("/api/campaigns?state=published").json()["count"] == 0
    read = client.get(f"/api/campaigns/{campaign.pk}").json()
    deadline = datetime.datetime.fromisoformat(read["submission_deadline"])
    assert abs(deadline - campaign.submission_deadline) < datetime.timedelta(milliseconds=1)
    group = world["group"]
    assert read["groups"] == [
        {
            "id": group.pk,
            "name": "Nhóm huyện",
            "framework_id": group.framework_id,
            "framework_code": group.framework.code,
            "units": 2,
        }
    ]


def test_assessments_listed_as_the_caller_may_see_them(world: World, api_as: Callable[[str], Client]) -> None:
    assert [a["unit_name"] for a in api_as("leader").get("/api/assessments").json()["items"]] == ["UBND huyện Một"]
    everyone = api_as("appraiser").get("/api/assessments").json()["items"]
    assert {a["unit_name"] for a in everyone} == {"UBND huyện Một", "UBND huyện Hai"}
    mine = api_as("chair").get(f"/api/assessments?unit_id={world['unit'].pk}&status=draft").json()
    assert [a["id"] for a in mine["items"]] == [world["assessment"].pk]
    assert api_as("chair").get("/api/assessments?status=submitted").json()["count"] == 0


def test_an_assessment_with_its_data_and_the_engines_scores(appraising: World, api_as: Callable[[str], Client]) -> None:
    assessment = appraising["assessment"]
    read: dict[str, Any] = api_as("reporter").get(f"/api/assessments/{assessment.pk}").json()
    assert read["status"] == "submitted" and read["general"] == {"so_xa": "20"}
    entries = {e["code"]: e for e in read["entries"]}
    assert entries["I.2"]["values"] == {"a": "15"} and entries["I.2"]["version"] == 1
    assert (entries["II.2"]["score"], entries["II.2"]["self_score"]) == ("6.0000", "8.0000")
    web = assessment_page(assessment, open_indices=()).result  # the web page's figures
    scores = read["scores"]
    assert scores["total"] == str(web.total) == "33.50"
    assert scores["indices"] == {code: str(value) for code, value in web.indices.items()}
    assert {s["code"]: s["score"] for s in scores["items"]}["I.2"] == "7.50"
    assert scores["claimed_indices"]["II"] == str(web.claimed_indices["II"])
    assert (scores["complete"], scores["applicable"]) == (4, 4)


def test_published_results_as_the_public_site_shows_them(published: World) -> None:
    campaign = published["campaign"]
    listed = Client().get("/api/results").json()
    assert [(r["campaign_id"], r["version"]) for r in listed["items"]] == [(campaign.pk, 1)]
    read = Client().get(f"/api/results/{campaign.pk}").json()
    assert read["content_hash"] == published["publication"].content_hash
    units = read["groups_ranked"][0]["units"]
    assert [(u["unit"], u["rank"]) for u in units] == [("UBND huyện Một", 1), ("UBND huyện Hai", 2)]
    assert units[0]["key"] == "ubnd-huyen-mot"
    public = Client().get(f"/ket-qua/{campaign.pk}/").content.decode()
    assert all(u["unit"] in public for u in units)
    assert Client().get(f"/api/results/{campaign.pk}?version=1").json()["version"] == 1
    assert Client().get(f"/api/results/{campaign.pk}?version=2").status_code == 404


def test_unpublished_campaigns_have_no_results(world: World) -> None:
    assert bearer("").get(f"/api/results/{world['campaign'].pk}").status_code == 404
