"""Wagtail admin for recognition: designers edit each block's badge; designers and trainers award
a badge by hand (with the evidence they observed) and revoke one. Permission checked on every
request (``capsules.award_badge``).

Whom a badge may go to, and whose badges one sees and revokes, is scoped on the server
(``badge_recipients``): only learners (the Learners group, or anyone enrolled in a training session)
ever receive a badge; a trainer reaches only the learners enrolled in a session they train, while
designers and superusers reach every learner. A revocation asks for a reason and a confirmation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet

from capsules.analytics.cohorts import is_trainer
from capsules.models import Achievement, BadgeCredential, IssuerKey
from capsules.permissions import can_author
from capsules.recognition import issuance, keys

AWARD_PERMISSION = "capsules.award_badge"
FORBIDDEN_TEMPLATE = "capsules/admin/forbidden.html"
LEARNERS_GROUP = "Learners"


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


def _sees_every_learner(user) -> bool:
    return bool(user.is_superuser or can_author(user))


def badge_recipients(user) -> QuerySet:
    """The learners this awarder may give a badge to, see the badges of and revoke: every learner for
    designers and superusers, those enrolled in a session they train for a trainer, nobody otherwise.
    Never a non-learner account (designer, expert, trainer, administrator)."""
    users = get_user_model().objects.filter(is_active=True)
    if _sees_every_learner(user):
        scoped = users.filter(Q(groups__name=LEARNERS_GROUP) | Q(cohorts__isnull=False))
    elif is_trainer(user):
        scoped = users.filter(cohorts__trainers=user)
    else:
        return users.none()
    return users.filter(pk__in=scoped.values("pk")).exclude(is_superuser=True)


def visible_credentials(user) -> QuerySet[BadgeCredential]:
    base = BadgeCredential.objects.select_related("achievement__skills_block", "user", "awarded_by")
    if _sees_every_learner(user):
        return base.all()
    return base.filter(user__in=badge_recipients(user).values("pk"))


def learner_label(user, homonyms: set[str] = frozenset()) -> str:
    """Full name; the login in brackets when there is no name or another learner bears the same one."""
    name = user.get_full_name().strip()
    if not name:
        return user.get_username()
    return f"{name} ({user.get_username()})" if name.casefold() in homonyms else name


class LearnerChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.homonyms: set[str] = set()

    def label_from_instance(self, obj):
        return learner_label(obj, self.homonyms)


class AwardForm(forms.Form):
    learner = LearnerChoiceField(get_user_model().objects.none(), label=_("Apprenant"))
    achievement = forms.ModelChoiceField(Achievement.objects.select_related("skills_block"), label=_("Badge"))
    narrative = forms.CharField(label=_("Preuve (ce que vous avez observé)"), widget=forms.Textarea, max_length=4000)

    def __init__(self, *args, awarder, **kwargs):
        super().__init__(*args, **kwargs)
        learners = badge_recipients(awarder).order_by("last_name", "first_name", "username")
        field = self.fields["learner"]
        field.queryset = learners
        names: dict[str, int] = {}
        for first, last in learners.values_list("first_name", "last_name"):
            key = f"{first} {last}".strip().casefold()
            names[key] = names.get(key, 0) + 1
        field.homonyms = {k for k, n in names.items() if k and n > 1}


@_awarders_only
def credentials_index(request):
    """Issued badges, newest first, with the award form and a revoke button per badge."""
    form = AwardForm(request.POST or None, awarder=request.user)
    if request.method == "POST" and form.is_valid():
        credential = issuance.award_by_hand(form.cleaned_data["learner"], form.cleaned_data["achievement"],
                                            request.user, form.cleaned_data["narrative"])
        messages.success(request, _("Badge attribué à %(user)s.") % {"user": learner_label(credential.user)})
        return redirect("geste_badges")
    items = visible_credentials(request.user)[:200]
    # The signing keys are the administrator's: only a superuser rotates them (walk 30: a trainer's page
    # showed the key, nothing a trainer acts on). Verifiers read them in the issuer document.
    admin = request.user.is_superuser
    return TemplateResponse(request, "recognition/admin/credentials.html", {
        "form": form, "items": items, "show_keys": admin, "keys": IssuerKey.objects.all() if admin else ()})


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             error_messages={"required": _("Indiquez le motif de la révocation : il est "
                                                           "obligatoire.")})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


@_awarders_only
def credential_revoke(request, pk: int):
    """A confirmation page with a required reason; the badge is revoked only when it is posted back
    with ``confirm=1`` and a reason. Another trainer's learner's badge answers 404."""
    credential = get_object_or_404(visible_credentials(request.user), pk=pk)
    if credential.revoked_at is not None:
        messages.info(request, _("Ce badge est déjà révoqué."))
        return redirect("geste_badges")
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    form = RevokeForm(request.POST if confirmed else None,
                      initial={"reason": request.POST.get("reason", "")} if request.method == "POST" else None)
    if confirmed and form.is_valid():
        issuance.revoke(credential, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Badge révoqué : la liste de statuts publiée est à jour."))
        return redirect("geste_badges")
    return TemplateResponse(request, "recognition/admin/revoke_confirm.html", {
        "credential": credential, "learner": learner_label(credential.user), "form": form,
        "action": reverse("geste_badge_revoke", args=[credential.pk])}, status=400 if confirmed else 200)


def rotate_key(request):
    """Superusers only: retire the signing key (it stays published) and start signing with a new one."""
    if not (request.user.is_active and request.user.is_superuser):
        reason = _("Le changement de clé de signature est réservé aux administrateurs.")
        return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)
    if request.method == "POST":
        key = keys.rotate_key()
        messages.success(request, _("Nouvelle clé de signature : %(key)s. Les anciennes restent publiées.")
                         % {"key": key.public_key_multibase})
    return redirect("geste_badges")


urlpatterns = [
    path("geste/badges/cle/", rotate_key, name="geste_badge_rotate_key"),
    path("geste/badges/", credentials_index, name="geste_badges"),
    path("geste/badges/<int:pk>/revoquer/", credential_revoke, name="geste_badge_revoke"),
]
