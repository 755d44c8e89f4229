"""Walk 35: the demo's admin could not switch the admin to English (Compte → Langue préférée): Wagtail's account
page also saves the name form, which requires a last name the demo admin did not have (« Nom : Champ requis »)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.admin.forms.account import NameEmailForm

from capsules.demo import ensure_users


@pytest.mark.django_db
def test_the_demo_admin_can_save_the_account_page():
    admin = ensure_users()["admin"]
    form = NameEmailForm(instance=admin, data={"first_name": admin.first_name, "last_name": admin.last_name,
                                               "email": admin.email})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_an_older_demo_admin_gets_its_last_name():
    get_user_model().objects.create_superuser("admin", "admin@example.org", "x", first_name="Admin")
    assert ensure_users()["admin"].last_name == "Geste"
