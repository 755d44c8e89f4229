"""The admin sign-in form with a French label for the password: Wagtail's own form leaves that field
without a label, so Django names it after the field ("Password"), untranslated."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class GesteLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Mot de passe")
