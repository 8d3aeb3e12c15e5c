"""API test helpers: a personal token for a persona, and a client that sends it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from dti.api.services import token_create
from tests.conftest import World


def bearer(text: str) -> Client:
    """A client that sends `Authorization: Bearer <text>` and no session."""
    return Client(headers={"Authorization": f"Bearer {text}"})


@pytest.fixture
def token(world: World) -> Callable[[str], str]:
    """`token("reporter")`: the text of a new personal API token of that persona."""

    def make(persona: str) -> str:
        return token_create(owner=world["users"][persona], name=f"Hệ thống của {persona}")[1]

    return make


@pytest.fixture
def api_as(token: Callable[[str], str]) -> Callable[[str], Client]:
    """`api_as("reporter")`: a client calling the API with a token of that persona ("anonymous": none)."""

    def make(persona: str) -> Client:
        return Client() if persona == "anonymous" else bearer(token(persona))

    return make
