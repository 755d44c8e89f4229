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
- Titles (first-user walk 29): Wagtail joins a screen's title and its subtitle with its own ``f"{title}:
  {subtitle}"`` (the window's title and the screen reader's heading: « Modification: Marie Curie »); French
  puts a non-breaking space before the colon (« Modification : Marie Curie »), for every screen of the admin
  (``header_title`` below). The new-user form's subtitle only repeated its title (« Ajouter un utilisateur :
  Utilisateur », breadcrumb « Ajout : Utilisateur »): it says « Ajouter un utilisateur » (« Add user »)
  alone (``UserCreateView``, through ``GesteUsersConfig``).
- Roles (first-user walk 30): on the user form's « Rôles » tab each group Geste or Wagtail made has its
  description under its checkbox (``GROUP_DESCRIPTIONS``, ``GroupCheckboxes``, through ``UserViewSet``);
  Wagtail's « Modérateurs » and « Éditeurs » say they are Wagtail's and that Geste does not use them.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import ActiveFilter, BaseFilterAdapter, register_filter_adapter_class
from wagtail.admin.ui.tables import TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users

GROUP_LABELS = {
    "Moderators": _("Modérateurs"),
    "Editors": _("Éditeurs"),
    "Designers": _("Concepteurs"),
    "Experts": _("Experts"),
    "Learners": _("Apprenants"),
    "Trainers": _("Formateurs"),
}


# What each group lets its members do, under its checkbox on the user form's « Rôles » tab (first-user walk 30:
# Wagtail's « Modérateurs » and « Éditeurs » sat bare beside Geste's groups). Geste's code never looks up
# Wagtail's two; Wagtail's migrations made them (root page permissions, images, documents, admin access) and
# its data migrations look them up by name, so they stay.
GROUP_DESCRIPTIONS = {
    "Moderators": _("Groupe Wagtail d'origine, Geste ne l'utilise pas : accès à l'administration, modification "
                    "et publication de toutes les pages du site, images et documents. Préférez un rôle de Geste."),
    "Editors": _("Groupe Wagtail d'origine, Geste ne l'utilise pas : accès à l'administration, modification "
                 "de toutes les pages du site sans les publier, images et documents. Préférez un rôle de Geste."),
    "Designers": _("Téléversent les vidéos, conçoivent les capsules (questions, textes) et les publient après la "
                   "validation de l'expert ; gèrent les badges, les tests de positionnement et les sessions."),
    "Experts": _("Relisent les étapes de leurs propres vidéos (les ajustent, nomment, marquent les points de "
                 "vigilance) puis les valident ; valident les capsules qui leur sont confiées."),
    "Learners": _("Suivent les capsules sur le site public et y obtiennent des badges ; aucun accès à "
                  "l'administration."),
    "Trainers": _("Suivent les apprenants des sessions qu'ils animent ; leur attribuent et révoquent des "
                  "badges."),
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


def header_title(view) -> str:
    """Wagtail's ``get_header_title``, its colon spaced as the admin's language writes it."""
    title, subtitle = view.get_page_title(), view.get_page_subtitle()
    if not subtitle:
        return title
    return pgettext("an admin screen's title and subtitle", "%(title)s : %(subtitle)s") % {
        "title": title, "subtitle": subtitle}


class UserCreateView(wagtail_users.CreateView):
    def get_header_title(self):
        return self.get_page_title()

    def get_breadcrumbs_items(self):
        *above, last = super().get_breadcrumbs_items()
        return [*above, {**last, "label": self.get_page_title()}]


class GroupCheckboxes(forms.CheckboxSelectMultiple):
    """The roles tab's checkboxes, each with its group's description under it (``GROUP_DESCRIPTIONS``)."""

    option_template_name = "cms/widgets/group_option.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        description = GROUP_DESCRIPTIONS.get(getattr(getattr(value, "instance", None), "name", None))
        if description and option["attrs"].get("id"):
            option["description"] = description
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-description"
        return option


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = UserCreateView

    def get_form_class(self, for_update=False):
        base = super().get_form_class(for_update)
        meta = type("Meta", (base.Meta,), {"widgets": {**getattr(base.Meta, "widgets", {}), "groups": GroupCheckboxes}})
        return type(base.__name__, (base,), {"Meta": meta, "__module__": __name__})


def install() -> None:
    from django.contrib.auth.models import Group

    Group.__str__ = group_label
    WagtailAdminTemplateMixin.get_header_title = header_title
    register_filter_adapter_class(django_filters.BooleanFilter, BooleanFilterAdapter)
