"""Who may see what: every model declares its scope paths once, and Access.scope applies them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from conference.access import Access
from conference.models import Role
from conference.scopes import NOT_EXPOSED, ScopePaths
from tests.factories import DelegateFactory, VehicleFactory

CONVOY_APPS = ("conference", "delegates", "logistics")


def convoy_models():
    return [model for label in CONVOY_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", convoy_models(), ids=lambda model: model.__name__)
def test_every_model_declares_who_may_see_its_rows(model):
    assert "scope_paths" in vars(model), f"{model.__name__} must declare scope_paths (conference.scopes)"
    assert vars(model)["scope_paths"] is NOT_EXPOSED or isinstance(vars(model)["scope_paths"], ScopePaths)


@pytest.mark.django_db
@pytest.mark.parametrize("model", convoy_models(), ids=lambda model: model.__name__)
@pytest.mark.parametrize("role", list(Role))
def test_every_declared_path_is_a_real_lookup(model, role):
    access = Access(role=role, conference_id=1, delegation_id=1, vehicle_id=1)
    assert access.scope(model.objects.all()).count() == 0  # the query compiles and runs


def test_a_model_without_scope_paths_is_refused():
    with pytest.raises(ImproperlyConfigured, match="Group declares no scope_paths"):
        Access(role=Role.ORGANIZER).scope(Group.objects.all())


@pytest.mark.django_db
def test_a_liaison_sees_its_delegations_rows_and_a_driver_its_vehicles():
    mine, other = DelegateFactory(), DelegateFactory()
    car, other_car = VehicleFactory(conference=mine.conference), VehicleFactory(conference=mine.conference)
    liaison = Access(role=Role.LIAISON, conference_id=mine.conference_id, delegation_id=mine.delegation_id)
    driver = Access(role=Role.DRIVER, conference_id=car.conference_id, vehicle_id=car.pk)
    assert list(liaison.scope(type(mine).objects.all())) == [mine]
    assert list(liaison.scope(type(car).objects.all())) == []
    assert list(driver.scope(type(car).objects.all())) == [car]
    assert list(driver.scope(type(mine).objects.all())) == []
    assert other not in liaison.scope(type(mine).objects.all()) and other_car not in driver.scope(
        type(car).objects.all()
    )
