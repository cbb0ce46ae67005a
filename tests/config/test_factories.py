"""Every model of the project's apps has a factory in tests.factories, and each one builds a valid
instance without the database and saves a row with it (and the one factory of plain data, a
history point, is merged into its account's history row)."""

from __future__ import annotations

import factory
import pytest
from django.apps import apps

import tests.factories as factories
from influencers.models import Account

PROJECT_APPS = ("core", "influencers", "vision", "vetting")


MODEL_FACTORIES = sorted(
    name for name in factories.__all__ if issubclass(getattr(factories, name), factory.django.DjangoModelFactory)
)


def _factories_by_model() -> dict[type, type[factory.django.DjangoModelFactory]]:
    found = {}
    for name in MODEL_FACTORIES:
        candidate = getattr(factories, name)
        found[candidate._meta.get_model_class()] = candidate
    return found


def test_every_model_of_the_project_apps_has_a_factory():
    models = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
    assert len(models) >= 28  # the listing really sees the apps
    missing = sorted(model._meta.label for model in models if model not in _factories_by_model())
    assert not missing, f"models without a factory in tests/factories/: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", MODEL_FACTORIES)
def test_each_factory_builds_and_creates_a_valid_row(name):
    model_factory = getattr(factories, name)
    model = model_factory._meta.get_model_class()
    built = model_factory.build()
    assert isinstance(built, model) and built.pk is None and not model.objects.exists()
    created = model_factory()
    # full_clean checks every field against its declaration (choices, lengths, blank, JSON shape);
    # the unique checks would find the row itself, which they exclude by its primary key.
    created.full_clean()
    assert model.objects.filter(pk=created.pk).exists()


@pytest.mark.django_db
def test_a_history_point_is_built_without_the_database_and_created_into_its_accounts_history():
    from influencers.selectors.history import account_histories

    built = factories.HistoryPointFactory.build()
    assert not Account.objects.exists()
    point = factories.HistoryPointFactory(following=None)
    assert account_histories([point.account.pk]) == {
        point.account.pk: [(point.date, point.followers, None, point.posts)]
    }
    assert built.date != point.date  # each point its own day


@pytest.mark.django_db
def test_the_mood_board_image_factory_stores_a_picture_of_the_size_it_records():
    from PIL import Image

    board = factories.MoodBoardImageFactory(width=24, height=12)
    with board.image.open("rb") as handle:
        assert Image.open(handle).size == (24, 12) == (board.width, board.height)
