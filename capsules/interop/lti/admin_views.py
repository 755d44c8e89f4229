"""Wagtail admin for LTI: platforms (django-lti's ``LtiRegistration``) and their deployments, in French.

django-lti names its models in English only (« LTI registrations »): their French names are in
locale/fr/LC_MESSAGES/django.po; Wagtail's generic « Le(la) %(model_name)s … créé(e) » messages are
replaced here. The platform list and form show Geste's own addresses, the ones Moodle asks for first
(``tool_addresses``), and the platform's addresses are checked (https) before they are saved.

Only users with django-lti's model permissions (superusers by default) see them: registering a
platform decides who may sign people into Geste.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from lti_tool.models import LtiDeployment, LtiRegistration
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from capsules.interop.course import site_root
from capsules.interop.lti.grade_views import GradeSendViewSet

REGISTRATION_LABELS = {
    "name": (_("Nom"), _("Pour vous reconnaître, par exemple « Moodle de l'université »")),
    "issuer": (_("Émetteur (issuer)"), _("Identifiant de la plateforme, donné par elle (Moodle : son adresse, "
                                         "par exemple https://moodle.univ.fr)")),
    "client_id": (_("Identifiant client (client ID)"),
                  _("Attribué à Geste par la plateforme à l'inscription de l'outil")),
    "audience": (_("Audience du jeton"), _("Laisser vide sauf si la plateforme en demande une autre que l'adresse "
                                           "du jeton d'accès")),
    "auth_url": (_("Adresse d'authentification (OIDC)"), _("Moodle : …/mod/lti/auth.php")),
    "token_url": (_("Adresse du jeton d'accès"), _("Moodle : …/mod/lti/token.php")),
    "keyset_url": (_("Adresse du jeu de clés publiques (JWKS)"), _("Moodle : …/mod/lti/certs.php")),
    "is_active": (_("Active"), _("Une plateforme inactive ne peut plus lancer Geste")),
}
DEPLOYMENT_LABELS = {
    "registration": (_("Plateforme"), ""),
    "deployment_id": (_("Identifiant de déploiement"), _("Moodle : « Deployment ID » de l'outil")),
    "is_active": (_("Actif"), _("Un lancement d'un déploiement inconnu l'ajoute ici, inactif : activez-le")),
}


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
PLATFORM_URL_FIELDS = ("issuer", "auth_url", "token_url", "keyset_url")


def validate_platform_url(value: str, *, issuer: bool = False) -> None:
    """A platform address: an absolute https URL (http only for a platform on this machine, in tests).
    The issuer is compared character for character with the ``iss`` of every launch: no query, no
    fragment (LTI 1.3 Core, 5.1.2)."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a port out of range
    except ValueError:
        parts = None
    if parts is None or " " in value or not parts.scheme or not parts.hostname:
        raise ValidationError(
            gettext("Saisissez une adresse complète, par exemple https://moodle.univ.fr (Moodle l'affiche dans "
                    "« Détails de la configuration » de l'outil)."), code="invalid")
    local_http = parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
    if parts.scheme != "https" and not local_http:
        raise ValidationError(
            gettext("L'adresse doit commencer par https:// (http:// n'est accepté que pour une plateforme de test "
                    "sur 127.0.0.1 ou localhost)."), code="scheme")
    if issuer and (parts.query or parts.fragment or "?" in value or "#" in value):
        raise ValidationError(gettext("L'émetteur ne contient ni « ? » ni « # » : c'est l'adresse de la plateforme, "
                                      "par exemple https://moodle.univ.fr."), code="issuer")


def _issuer_validator(value):
    validate_platform_url(value, issuer=True)


class _FrenchFormMixin:
    labels: dict = {}

    def formfield_for_dbfield(self, db_field, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        field = super().formfield_for_dbfield(db_field, **kwargs)
        if field is not None and db_field.name in self.labels:
            label, help_text = self.labels[db_field.name]
            field.label = label
            field.help_text = help_text
        if field is not None and self.model is LtiRegistration and db_field.name in PLATFORM_URL_FIELDS:
            field.validators.append(_issuer_validator if db_field.name == "issuer" else validate_platform_url)
        return field


def tool_addresses(request) -> list[dict]:
    """Geste's own addresses, in the order and words of Moodle's « Configurer un outil manuellement »:
    absolute, from the public root the packages and xAPI use (the Wagtail site, else WAGTAILADMIN_BASE_URL)."""
    root = site_root(request)
    launch, login, jwks = (f"{root}{reverse(name)}" for name in ("lti-launch", "lti-login", "lti-jwks"))
    return [
        {"id": "geste-lti-tool-url", "label": _("URL de l'outil"), "value": launch, "hint": ""},
        {"id": "geste-lti-keyset-url", "label": _("URL du jeu de clés publiques"), "value": jwks,
         "hint": _("Type de clé publique : « URL du jeu de clés » (Keyset URL)")},
        {"id": "geste-lti-login-url", "label": _("URL de connexion initiale"), "value": login, "hint": ""},
        {"id": "geste-lti-redirect-uri", "label": _("URI de redirection"), "value": launch,
         "hint": _("Une seule : toutes les capsules et tous les blocs y passent")},
        {"id": "geste-lti-deep-linking-url", "label": _("URL de sélection de contenu"), "value": launch,
         "hint": _("Cochez « Prend en charge Deep Linking (sélection de contenu) »")},
    ]


class _ToolAddressesMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tool_addresses"] = tool_addresses(self.request)
        return context


class RegistrationIndexView(_ToolAddressesMixin, IndexView):
    add_item_label = _("Enregistrer une plateforme")
    template_name = "capsules/interop/lti_registration_index.html"


class _OneNameMixin:
    """One name in the header and the breadcrumb: Wagtail said « Nouveau : Plateforme LTI » above and
    « Ajout : Plateforme LTI » in the breadcrumb (walk 29b); at 360 px its « : » began a line (walk 30)."""

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        return [*items[:-1], {**items[-1], "label": self.page_title}]


class RegistrationCreateView(_OneNameMixin, _ToolAddressesMixin, CreateView):
    template_name = "capsules/interop/lti_registration_form.html"
    page_title = _("Nouvelle plateforme LTI")
    success_message = _("Plateforme « %(object)s » enregistrée.")
    error_message = _("La plateforme n'a pas pu être enregistrée : corrigez les erreurs ci-dessous.")


class RegistrationEditView(_ToolAddressesMixin, EditView):
    template_name = "capsules/interop/lti_registration_form.html"
    success_message = _("Plateforme « %(object)s » modifiée.")
    error_message = _("La plateforme n'a pas pu être enregistrée : corrigez les erreurs ci-dessous.")


class RegistrationDeleteView(DeleteView):
    success_message = _("Plateforme « %(object)s » supprimée.")

    def confirmation_message(self):
        return gettext("Voulez-vous vraiment supprimer cette plateforme ? Elle ne pourra plus lancer Geste.")


class LoginUrlColumn(Column):
    """The login URL proper to this registration (for platforms that send no client_id)."""

    def get_value(self, instance):
        return format_html("<code>{}</code>", reverse("lti-login-registration", args=[instance.uuid]))


class RegistrationViewSet(_FrenchFormMixin, ModelViewSet):
    model = LtiRegistration
    labels = REGISTRATION_LABELS
    index_view_class = RegistrationIndexView
    add_view_class = RegistrationCreateView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView
    icon = "link"
    menu_label = _("Plateformes")
    form_fields = ["name", "issuer", "client_id", "audience", "auth_url", "token_url", "keyset_url", "is_active"]
    search_fields = ["name", "issuer", "client_id"]
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn("name", label=_("Nom"), url_name=self.get_url_name("edit")),
            Column("issuer", label=_("Émetteur")),
            Column("client_id", label=_("Identifiant client")),
            BooleanColumn("is_active", label=_("Active")),
            LoginUrlColumn("login_url", label=_("Connexion OIDC propre")),
        ]


class DeploymentIndexView(IndexView):
    add_item_label = _("Ajouter un déploiement")


class DeploymentCreateView(_OneNameMixin, CreateView):
    page_title = _("Nouveau déploiement LTI")
    success_message = _("Déploiement « %(object)s » enregistré.")
    error_message = _("Le déploiement n'a pas pu être enregistré : corrigez les erreurs ci-dessous.")


class DeploymentEditView(EditView):
    success_message = _("Déploiement « %(object)s » modifié.")
    error_message = _("Le déploiement n'a pas pu être enregistré : corrigez les erreurs ci-dessous.")


class DeploymentDeleteView(DeleteView):
    success_message = _("Déploiement « %(object)s » supprimé.")

    def confirmation_message(self):
        return gettext("Voulez-vous vraiment supprimer ce déploiement ? Ses liens ne lanceront plus Geste.")


class DeploymentViewSet(_FrenchFormMixin, ModelViewSet):
    model = LtiDeployment
    labels = DEPLOYMENT_LABELS
    index_view_class = DeploymentIndexView
    add_view_class = DeploymentCreateView
    edit_view_class = DeploymentEditView
    delete_view_class = DeploymentDeleteView
    icon = "site"
    menu_label = _("Déploiements")
    form_fields = ["registration", "deployment_id", "is_active"]
    list_filter = ["registration", "is_active"]
    search_fields = ["deployment_id"]
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn("deployment_id", label=_("Identifiant de déploiement"), url_name=self.get_url_name("edit")),
            Column("registration", label=_("Plateforme")),
            BooleanColumn("is_active", label=_("Actif")),
        ]


class LtiViewSetGroup(ModelViewSetGroup):
    menu_label = _("Plateformes LTI")
    menu_icon = "link"
    menu_order = 175
    items = (RegistrationViewSet("lti_registration"), DeploymentViewSet("lti_deployment"),
             GradeSendViewSet("lti_grades", url_prefix="lti/notes"))
