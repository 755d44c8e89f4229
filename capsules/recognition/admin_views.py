"""Wagtail admin for recognition: designers edit each block's badge; designers and trainers award
a badge by hand (with the evidence they observed) and revoke one. Permission checked on every
request (``capsules.award_badge``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from capsules.models import Achievement, BadgeCredential, IssuerKey
from capsules.recognition import issuance, keys

AWARD_PERMISSION = "capsules.award_badge"
FORBIDDEN_TEMPLATE = "capsules/admin/forbidden.html"


def can_award(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(AWARD_PERMISSION))


def _awarders_only(view):
    def wrapper(request, *args, **kwargs):
        if not can_award(request.user):
            reason = _("L'attribution et la révocation des badges sont réservées aux formateurs et concepteurs.")
            return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


class AchievementViewSet(ModelViewSet):
    model = Achievement
    icon = "pick"
    menu_label = _("Badges des blocs")
    add_to_admin_menu = True
    menu_order = 160
    form_fields = ["skills_block", "name", "description", "image", "criteria_narrative", "require_all_capsules",
                   "min_first_try_score", "require_mandatory_correct", "auto_award"]
    # Not "auto_award": its cell read « True » (a tick or a cross, « Oui » / « Non » to a screen reader).
    list_display = ["name", "skills_block", "min_first_try_score",
                    BooleanColumn("auto_award", label=_("Délivrance automatique"))]
    search_fields = ["name", "skills_block__code"]
    copy_view_enabled = False


class AwardForm(forms.Form):
    learner = forms.ModelChoiceField(get_user_model().objects.filter(is_active=True).order_by("username"),
                                     label=_("Apprenant"))
    achievement = forms.ModelChoiceField(Achievement.objects.select_related("skills_block"), label=_("Badge"))
    narrative = forms.CharField(label=_("Preuve (ce que vous avez observé)"), widget=forms.Textarea, max_length=4000)


@_awarders_only
def credentials_index(request):
    """Issued badges, newest first, with the award form and a revoke button per badge."""
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credential = issuance.award_by_hand(form.cleaned_data["learner"], form.cleaned_data["achievement"],
                                            request.user, form.cleaned_data["narrative"])
        messages.success(request, _("Badge attribué à %(user)s.") % {"user": credential.user.get_username()})
        return redirect("geste_badges")
    items = BadgeCredential.objects.select_related("achievement__skills_block", "user", "awarded_by")[:200]
    return TemplateResponse(request, "recognition/admin/credentials.html", {
        "form": form, "items": items, "keys": IssuerKey.objects.all()})


@_awarders_only
def credential_revoke(request, pk: int):
    credential = get_object_or_404(BadgeCredential, pk=pk)
    if request.method == "POST":
        issuance.revoke(credential, request.user, request.POST.get("reason", "").strip()[:1000])
        messages.success(request, _("Badge révoqué : la liste de statuts publiée est à jour."))
    return redirect("geste_badges")


def rotate_key(request):
    """Superusers only: retire the signing key (it stays published) and start signing with a new one."""
    if not (request.user.is_active and request.user.is_superuser):
        reason = _("Le changement de clé de signature est réservé aux administrateurs.")
        return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)
    if request.method == "POST":
        key = keys.rotate_key()
        messages.success(request, _("Nouvelle clé de signature : %(key)s. Les anciennes restent publiées.")
                         % {"key": key.public_key_multibase})
    return redirect("geste_badges")


urlpatterns = [
    path("geste/badges/cle/", rotate_key, name="geste_badge_rotate_key"),
    path("geste/badges/", credentials_index, name="geste_badges"),
    path("geste/badges/<int:pk>/revoquer/", credential_revoke, name="geste_badge_revoke"),
]
