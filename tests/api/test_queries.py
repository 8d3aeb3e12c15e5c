"""The API's lists, plain and filtered, run the same number of queries at 10 rows and at 100 (as the
web's, tests/test_list_queries.py).

Each list is asked with a personal token, so the count includes the token's look-up and its
rate count in the cache; the token's last use is written on the first call only (at most once a
minute), which the warm-up call of `counted` makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dti.api.services import token_create
from tests.api.conftest import bearer
from tests.conftest import World
from tests.test_list_queries import SIZES, add_campaigns, add_frameworks, add_units, republish


def counted(client: Client, url: str) -> tuple[int, str]:
    """How many queries one GET of `url` runs, and its body; a first GET warms up (the token's last use,
    the parsed framework)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@dataclass(frozen=True)
class ApiList:
    """An API list: how rows are added, its address, a row `n` it shows, and the queries of one call."""

    name: str
    grow: Callable[[World, int, int], object]
    url: str
    shown: Callable[[int], str]
    queries: int


TOKEN = 7
"""What a token call reads and writes besides its rows: the token with its owner, and the rate count in
the database cache (its read; its write: the table's size, a savepoint, the row, the update, the release)."""

LISTS = [
    ApiList("api:frameworks", add_frameworks, "/api/frameworks?limit=500", "Bộ chỉ số thêm {:03}".format, TOKEN + 1),
    ApiList("api:units", add_units, "/api/units?limit=500", "UBND huyện Số {:03}".format, TOKEN + 1),
    ApiList("api:campaigns", add_campaigns, "/api/campaigns?limit=500", "Kỳ thêm {:03}".format, TOKEN + 1),
    ApiList("api:assessments", add_units, "/api/assessments?limit=500", "UBND huyện Số {:03}".format, TOKEN + 1),
    # the same lists filtered: the filters are part of the one query
    ApiList(
        "api:frameworks filtered",
        add_frameworks,
        "/api/frameworks?limit=500&year=2023&level=huyen",
        "Bộ chỉ số thêm {:03}".format,
        TOKEN + 1,
    ),
    ApiList(
        "api:units filtered",
        add_units,
        "/api/units?limit=500&type=huyen&parent_id={parent}&is_active=true",
        "UBND huyện Số {:03}".format,
        TOKEN + 1,
    ),
    ApiList(
        "api:campaigns filtered",
        add_campaigns,
        "/api/campaigns?limit=500&state=draft",
        "Kỳ thêm {:03}".format,
        TOKEN + 1,
    ),
    ApiList(
        "api:assessments filtered",
        add_units,
        "/api/assessments?limit=500&campaign_id={campaign}&status=in_appraisal",
        "UBND huyện Số {:03}".format,
        TOKEN + 1,
    ),
]


@pytest.mark.parametrize("listing", LISTS, ids=lambda listing: listing.name)
def test_an_api_list_runs_the_same_queries_at_10_and_100_rows(world: World, listing: ApiList) -> None:
    client = bearer(token_create(owner=world["users"]["organiser"], name="Bảng điều khiển")[1])
    counts = []
    first = 1
    for size in SIZES:
        listing.grow(world, first, size - first + 1)
        first = size + 1
        url = listing.url.format(parent=world["unit"].parent_id, campaign=world["campaign"].pk)
        queries, body = counted(client, url)
        assert listing.shown(size) in body
        counts.append(queries)
    assert counts == [listing.queries] * len(SIZES)


def test_the_published_results_run_the_same_queries_at_10_and_100_units(world: World) -> None:
    """Public: no token, one query for the publications."""
    counts = []
    for size in SIZES:
        republish(world, 1, size - 1)
        queries, body = counted(bearer(""), "/api/results")
        assert world["campaign"].name in body
        counts.append(queries)
        queries, body = counted(bearer(""), f"/api/results/{world['campaign'].pk}")
        assert f"UBND huyện Số {size - 1:03}" in body
        counts.append(queries)
    assert counts == [1, 1] * len(SIZES)


def test_the_token_page_runs_the_same_queries_at_10_and_100_tokens(
    world: World, login: Callable[[str], Client]
) -> None:
    reporter = world["users"]["reporter"]
    client = login("reporter")
    counts = []
    for size in SIZES:
        while reporter.api_tokens.count() < size:
            token_create(owner=reporter, name=f"Khóa số {reporter.api_tokens.count():03}")
        queries, body = counted(client, "/tai-khoan/khoa-api/")
        assert f"Khóa số {size - 1:03}" in body
        counts.append(queries)
    assert counts == [4, 4]


def test_a_units_appraisal_runs_the_same_queries_with_10_and_100_units_in_its_group(appraising: World) -> None:
    """The read scores the unit with its whole ranking group (min–max items), in a fixed number of queries."""
    client = bearer(token_create(owner=appraising["users"]["appraiser"], name="Tổ thẩm định")[1])
    url = f"/api/assessments/{appraising['assessment'].pk}/appraisal"
    counts = []
    first = 1
    for size in SIZES:
        add_units(appraising, first, size - first + 1)
        first = size + 1
        queries, body = counted(client, url)
        assert '"claimed_total"' in body
        counts.append(queries)
    assert counts[0] == counts[1]


def add_figures(world: World, first: int, count: int) -> None:
    """`count` more units (`add_units`), each with an official figure of I.2."""
    from dti.appraisal.models import OfficialFigure

    assessments = add_units(world, first, count)
    OfficialFigure.objects.bulk_create(
        OfficialFigure(participation_id=a.participation_id, code="I.2", field="a", value=n, source="Cổng DVC")
        for n, a in enumerate(assessments, start=first)
    )


def test_the_official_figures_run_the_same_queries_at_10_and_100_rows(world: World) -> None:
    client = bearer(token_create(owner=world["users"]["organiser"], name="Bảng điều khiển")[1])
    counts = []
    first = 1
    for size in SIZES:
        add_figures(world, first, size - first + 1)
        first = size + 1
        queries, body = counted(client, f"/api/campaigns/{world['campaign'].pk}/official-figures?limit=500")
        assert f"UBND huyện Số {size:03}" in body
        counts.append(queries)
    assert counts[0] == counts[1]
