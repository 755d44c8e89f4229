"""Learners' own sign-in and sign-up pages (Django's auth views, our templates, no admin branding), in the
page's language (French, or English for an English browser or the header's language link): our labels
and messages are French msgids, Django's own (password validators, « required ») come from Django's
catalogues in the same active language.

A new account joins the Learners group (no admin access). Whatever a visitor answered and watched
before signing in (kept in the session by ``capsules.learning.guest``) becomes the account's own
attempts and progress on ``user_logged_in``: the same grading path, the same client ids (a replay of
a queued answer is never counted twice).
"""

from __future__ import annotations

import logging
import uuid

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ObjectDoesNotExist
from django.dispatch import receiver
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from capsules.learning import guest
from capsules.learning.progress import record_progress, refresh_completion
from capsules.learning.views import submit_answer
from capsules.models import Attempt, Capsule, Interaction, Progress

log = logging.getLogger(__name__)
LEARNERS_GROUP = "Learners"
RESERVED_USERNAME_PREFIXES = ("lti-", "cmi5-")  # the accounts of LMS identities (interop/lti, interop/cmi5_launch)


class LearnerLoginForm(AuthenticationForm):
    """Django's form, with words a learner understands."""

    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect. Vérifiez les majuscules."),
        "inactive": _("Ce compte est désactivé."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["password"].label = _("Mot de passe")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})


class LearnerSignupForm(UserCreationForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    field_order = ["first_name", "username", "password1", "password2"]  # as the page shows them

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "first_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Identifiant")
        self.fields["username"].help_text = _("Lettres, chiffres et @ . + - _ uniquement (150 caractères au plus).")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["username"].widget.attrs.pop("autofocus", None)  # the form opens on its first field
        self.fields["first_name"].widget.attrs["autofocus"] = True
        self.fields["password1"].label = _("Mot de passe")
        self.fields["password1"].help_text = _("Au moins 8 caractères, pas un mot de passe trop courant.")
        self.fields["password2"].label = _("Mot de passe (confirmation)")
        self.fields["password2"].help_text = ""

    def clean_username(self):
        """Names Geste gives the accounts of LMS identities (``lti-…``, ``cmi5-…``) are not for sign-up: a
        person who took one could be handed the account of a learner launching from their LMS (audit 37)."""
        username = super().clean_username()
        if username and username.lower().startswith(RESERVED_USERNAME_PREFIXES):
            raise forms.ValidationError(
                _("Les identifiants qui commencent par « lti- » ou « cmi5- » sont réservés aux "
                  "comptes ouverts depuis une plateforme de formation : choisissez-en un autre."), code="reserved")
        return username

    def full_clean(self):
        """Sent back with errors, the form opens on the first field in error (not on « Prénom », which a
        walk saw focused above a refused password), each field in error marked for screen readers."""
        super().full_clean()
        wrong = [name for name in self.fields if name in self.errors]
        if not wrong:
            return
        for name, field in self.fields.items():
            field.widget.attrs.pop("autofocus", None)
            if name in wrong:
                field.widget.attrs["aria-invalid"] = "true"
        self.fields[wrong[0]].widget.attrs["autofocus"] = True


class LearnerLoginView(LoginView):
    template_name = "learning/login.html"
    authentication_form = LearnerLoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        """Back where the person was; but someone with work in the admin (designer, expert, trainer) who signed
        in from the home page lands on the admin's dashboard, where « Vidéos qui attendent votre relecture » is
        (walk 27: the expert landed on the learner catalogue, the work waiting one unclear link away)."""
        url = super().get_success_url()
        if url in ("", "/", resolve_url(settings.LOGIN_REDIRECT_URL)) \
                and self.request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return url


class LearnerLogoutView(LogoutView):
    next_page = "/"


def _safe_next(request) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return nxt if ok else "/"


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request):
    """Create a learner account, sign it in, and go back where the learner was."""
    nxt = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(nxt)
    form = LearnerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        group, _ = Group.objects.get_or_create(name=LEARNERS_GROUP)
        user.groups.add(group)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return redirect(nxt)
    return render(request, "learning/signup.html", {"form": form, "next": nxt})


def merge_guest_session(user, session) -> int:
    """Turn a visitor's session answers and progress into the account's; returns the answers merged."""
    data = guest.pop(session)
    merged = 0
    interactions = Interaction.objects.select_related("capsule").in_bulk(
        [row.get("interaction") for row in data.get("attempts", []) if isinstance(row, dict)]
    )
    touched: set[int] = set()
    for row in data.get("attempts", []):
        inter = interactions.get(row.get("interaction")) if isinstance(row, dict) else None
        if inter is None or inter.draft_status != Interaction.DraftStatus.ACCEPTED:
            continue
        try:
            client_id = uuid.UUID(str(row.get("client_id")))
        except ValueError:
            client_id = None
        try:
            attempt, _result, _replay = submit_answer(user, inter, row.get("response"), client_id,
                                                      parse_datetime(row.get("answered_at") or ""))
        except (ValueError, ObjectDoesNotExist):  # malformed, or a client id another account used
            continue
        # « Continuer » after that wrong answer (``views.went_on``) comes along.
        went_on_at = parse_datetime(str(row.get("went_on_at") or ""))
        if went_on_at is not None and attempt.correct is False and attempt.went_on_at is None:
            Attempt.objects.filter(pk=attempt.pk, went_on_at__isnull=True).update(went_on_at=went_on_at)
        merged += 1
        touched.add(inter.capsule_id)
    for capsule_id, row in (data.get("progress") or {}).items():
        capsule = Capsule.objects.filter(pk=capsule_id).first()
        if capsule is None or not isinstance(row, dict):
            continue
        # The account's own newer position (another device) wins over the visitor's; none yet: the visitor's.
        had = Progress.objects.filter(user=user, capsule=capsule).exists()
        record_progress(
            user,
            capsule,
            position=row.get("position"),
            ranges=row.get("watched") or [],
            client_time=parse_datetime(row.get("updated_at") or "") if had else None,
        )
        touched.discard(capsule.pk)
    for capsule in Capsule.objects.filter(pk__in=touched):
        refresh_completion(user, capsule)
    return merged


@receiver(user_logged_in, dispatch_uid="geste-merge-guest-session")
def _merge_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if guest.SESSION_KEY not in request.session:
        return
    merged = merge_guest_session(user, request.session)
    log.info("merged %d answers given before signing in into user %s", merged, user.pk)
