"""The admin's sign-in form, for a person without admin access too.

A learner who signs in at /admin/login/ (an old bookmark, a link shared by a trainer) was signed in and then
left on Wagtail's refusal (« You do not have permission… ») with no way to the site (walk 43). The form stays
Wagtail's; only where it leads changes: a person without admin access goes where they were asked to go when
that is not in the admin, else to the home page, where the header says they are signed in.
"""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.views.account import LoginView


class AdminLoginView(LoginView):
    def get_success_url(self) -> str:
        if self.request.user.has_perm("wagtailadmin.access_admin"):
            return super().get_success_url()
        wanted = self.get_redirect_url()  # "" unless a safe `next` (same host) was given
        return wanted if wanted and not wanted.startswith(reverse("wagtailadmin_home")) else "/"
