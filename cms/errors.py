"""The 500 handler: the French error page offers the way back to where the user was.

Under /admin/ that is the design space, elsewhere the public catalogue. Nothing here touches the
database (it may be what failed): the template gets a plain context, no context processors."""

from __future__ import annotations

from django.http import HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

ADMIN_PREFIX = "/admin/"


@requires_csrf_token
def server_error(request, template_name: str = "500.html"):
    in_admin = request.path.startswith(ADMIN_PREFIX)
    context = {"back_url": ADMIN_PREFIX if in_admin else "/",
               "back_label": _("Revenir à l'espace de conception") if in_admin else _("Revenir au catalogue")}
    return HttpResponseServerError(loader.get_template(template_name).render(context))
