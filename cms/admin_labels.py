"""What Wagtail's user screens show raw, in the admin's language (first-user walk 28).

- Groups: Geste's migrations name them in English ("Designers", "Experts", "Learners", "Trainers"; Wagtail's
  own "Moderators" and "Editors"), and the code looks them up by those names (capsules/experts.py,
  capsules/learning/signin.py, the LTI accounts, the migrations). The names stay; only their display is
  translated: ``Group.__str__`` (the roles tab's checkboxes, the user list's group filter and its pill,
  « Assigner le rôle ») and the groups list's name column (``GroupViewSet`` below, through
  ``GesteUsersConfig``). A group an administrator creates shows its own name.
- Booleans: Wagtail's active-filter pill showed « Actif : True » (a ``BooleanFilter`` has no adapter of its
  own: the value went through ``str``); it says « Oui » / « Non ». The tick/cross cell's screen-reader
  text (« True ») is in cms/templates/wagtailadmin/tables/boolean_cell.html.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class
from wagtail.admin.ui.tables import TitleColumn
from wagtail.users.views import groups as wagtail_groups

GROUP_LABELS = {
    "Moderators": _("Modérateurs"),
    "Editors": _("Éditeurs"),
    "Designers": _("Concepteurs"),
    "Experts": _("Experts"),
    "Learners": _("Apprenants"),
    "Trainers": _("Formateurs"),
}


def group_label(group) -> str:
    """The group's name as the admin reads it: French (or English) for the groups Geste and Wagtail made."""
    label = GROUP_LABELS.get(group.name)
    return str(label) if label is not None else group.name


class BooleanFilterAdapter(BaseFilterAdapter):
    def get_active_filters(self):
        yield ActiveFilter(self.bound_field.auto_id, self.filter.label,
                           gettext("Oui") if self.value else gettext("Non"),
                           self.get_url_without_filter_param(self.name))


class GroupIndexView(wagtail_groups.IndexView):
    columns = [
        TitleColumn("name", accessor=group_label, label=wagtail_groups.IndexView.columns[0].label,
                    sort_key="name", url_name="wagtailusers_groups:edit"),
    ]


class GroupViewSet(wagtail_groups.GroupViewSet):
    index_view_class = GroupIndexView


def install() -> None:
    from django.contrib.auth.models import Group

    Group.__str__ = group_label
    register_filter_adapter_class(django_filters.BooleanFilter, BooleanFilterAdapter)
