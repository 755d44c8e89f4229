"""Admin screens of cohorts: the list a trainer or designer may see, one cohort's indicators, CSV exports.

A cohort the user may not see answers 404 (its existence does not leak); a user who is neither a
designer nor a trainer gets 403.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.admin.ui.components import Component

from capsules.analytics import cohorts
from capsules.analytics.charts import Bar, bar_chart
from capsules.analytics.learner_answers import learner_answers
from capsules.analytics.report_views import FORBIDDEN_TEMPLATE, csv_response, forbidden
from capsules.models import SkillsBlock
from capsules.permissions import can_author
from capsules.templatetags.geste_i18n import percent


def may_see_cohorts(user) -> bool:
    return can_author(user) or cohorts.is_trainer(user)


def _guard(view):
    def wrapper(request, *args, **kwargs):
        if not may_see_cohorts(request.user):
            reason = _("Les sessions de formation sont réservées aux formateurs et aux concepteurs.")
            return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"reason": reason}, status=403)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _cohort(request, pk: int):
    cohort = cohorts.visible_cohorts(request.user).filter(pk=pk).first()
    if cohort is None:
        raise Http404(_("Session introuvable."))
    return cohort


@_guard
def cohort_index(request):
    items = cohorts.visible_cohorts(request.user)
    return TemplateResponse(request, "capsules/admin/cohorts/index.html", {
        "cohorts": items, "can_manage": request.user.has_perm("capsules.add_cohort")})


def _charts(report: cohorts.CohortReport) -> dict:
    # The weeks say their date as the table beside them does (the admin user's short date format).
    progress_chart = bar_chart(  # None while no learner finished the block: « Pas encore de données » (walk 29b)
        [Bar(date_format(w.start, "SHORT_DATE_FORMAT"), w.done_learners) for w in report.weeks],
        title=_("Apprenants ayant terminé le bloc, par semaine (cumul)"),
        max_value=max(1, len(report.learners)),
    ) if any(w.done_learners for w in report.weeks) else None
    curve = report.retention_curve
    retention_chart = bar_chart(  # None without a single answer: the page says « Pas encore de données »
        [Bar(_(label), pct, percent(pct) if pct is not None else "") for label, pct, _n in curve],
        title=_("Réponses justes à l'entraînement selon le délai depuis la révision précédente"),
        max_value=100,
    ) if any(pct is not None for _label, pct, _n in curve) else None
    return {"report": report, "progress_chart": progress_chart, "retention_chart": retention_chart}


@_guard
def cohort_detail(request, pk: int):
    report = cohorts.cohort_report(_cohort(request, pk))
    return TemplateResponse(request, "capsules/admin/cohorts/detail.html", {
        **_charts(report), "cohort": report.cohort})


@_guard
def cohort_learner(request, pk: int, user_id: int):
    """One learner of a session the user may see: their progress through the block, capsule by capsule."""
    cohort = _cohort(request, pk)
    learner = cohort.learners.filter(pk=user_id).first()
    if learner is None:
        raise Http404(_("Apprenant introuvable dans cette session."))
    report = cohorts.learner_report(cohort, learner)
    answers = learner_answers(learner, [(c.capsule_id, c.title) for c in report.capsules])
    return TemplateResponse(request, "capsules/admin/cohorts/learner.html", {
        "cohort": cohort, "report": report, "row": report.learners[0], "answers": answers})


# Each in gettext_noop, for makemessages: the English export used to keep these headers in French.
LEARNER_HEADER = [
    gettext_noop("Apprenant"), gettext_noop("Capsules terminées"), gettext_noop("Acquises au positionnement"),
    gettext_noop("Avancement (%)"), gettext_noop("Temps d'apprentissage (min)"),
    gettext_noop("Temps gagné au positionnement (min)"), gettext_noop("Questions à l'entraînement"),
    gettext_noop("Révisions"), gettext_noop("Rétention estimée (%)"), gettext_noop("Badge obtenu le"),
]


def _learners_csv(report: cohorts.CohortReport, filename: str):
    """One row per learner; the block's badge is the day it was issued (JJ/MM/AAAA), empty without one
    (a bare « oui »/« non » said nothing of when)."""
    rows = ([r.name, r.completed, r.acquired, r.percent, round(r.learning_seconds / 60, 1),
             round(r.saved_seconds / 60, 1), r.cards, r.reviews, r.retention_percent,
             timezone.localdate(r.badge_issued_at) if r.badge and r.badge_issued_at else None]
            for r in report.learners)
    return csv_response(filename, [_(h) for h in LEARNER_HEADER], rows)


def indicator_rows(report: cohorts.CohortReport) -> list[list]:
    """The indicators as (label, value) rows: the same for a cohort and for a block."""
    spread = report.learning_spread_minutes
    rows = [
        [_("Apprenants"), len(report.learners)],
        [_("Bloc terminé (%)"), report.done_percent],
        [_("Temps d'apprentissage médian (min)"), report.median_learning_minutes],
        [_("Écart interquartile (min)"), f"{spread[0]:g}–{spread[1]:g}".replace(".", ",") if spread else None],
        [_("Temps gagné au positionnement (min, total)"), report.saved_minutes_total],
        [_("Rétention à 7 jours (%)"), report.retention_7d_percent],
        [_("Rétention à 30 jours (%)"), report.retention_30d_percent],
        [_("Apprenants ayant le badge (%)"), report.badge_percent],
        [_("Décrochages"), report.dropped_out],
    ]
    rows += [[_("Réussite au premier essai (%%) — %(capsule)s") % {"capsule": c.title}, c.first_try_percent]
             for c in report.capsules]
    rows += [[_("Réussite au premier essai (%%) — %(capsule)s — étape « %(step)s »") % {
        "capsule": s.capsule_title, "step": s.title}, s.first_try_percent] for s in report.steps]
    rows += [[_("Semaine du %(date)s — bloc terminé / capsules terminées / actifs") % {
        "date": w.start.strftime("%d/%m/%Y")}, f"{w.done_learners} / {w.completions} / {w.active}"]
        for w in report.weeks]
    return rows


@_guard
def cohort_learners_csv(request, pk: int):
    report = cohorts.cohort_report(_cohort(request, pk))
    return _learners_csv(report, f"session-{report.cohort.pk}-apprenants.csv")


@_guard
def cohort_indicators_csv(request, pk: int):
    report = cohorts.cohort_report(_cohort(request, pk))
    return csv_response(f"session-{report.cohort.pk}-indicateurs.csv", [_("Indicateur"), _("Valeur")],
                        indicator_rows(report))


# --- per block: every learner of the block, for designers (trainers see their cohorts only) -------------


def _designers(view):
    def wrapper(request, *args, **kwargs):
        if not can_author(request.user):
            reason = _("Les indicateurs d'un bloc entier sont réservés aux concepteurs pédagogiques.")
            return forbidden(request, reason)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


def _block(pk: int) -> SkillsBlock:
    return get_object_or_404(SkillsBlock, pk=pk)


@_designers
def block_detail(request, pk: int):
    block = _block(pk)
    return TemplateResponse(request, "capsules/admin/cohorts/block.html", {
        **_charts(cohorts.block_report(block)), "skills_block": block})


@_designers
def block_learners_csv(request, pk: int):
    block = _block(pk)
    return _learners_csv(cohorts.block_report(block), f"bloc-{block.pk}-apprenants.csv")


@_designers
def block_indicators_csv(request, pk: int):
    block = _block(pk)
    return csv_response(f"bloc-{block.pk}-indicateurs.csv", [_("Indicateur"), _("Valeur")],
                        indicator_rows(cohorts.block_report(block)))


urlpatterns = [
    path("geste/sessions/", cohort_index, name="geste_cohorts"),
    path("geste/sessions/<int:pk>/", cohort_detail, name="geste_cohort"),
    path("geste/sessions/<int:pk>/apprenants/<int:user_id>/", cohort_learner, name="geste_cohort_learner"),
    path("geste/sessions/<int:pk>/apprenants.csv", cohort_learners_csv, name="geste_cohort_learners_csv"),
    path("geste/sessions/<int:pk>/indicateurs.csv", cohort_indicators_csv, name="geste_cohort_indicators_csv"),
    path("geste/rapports/blocs/<int:pk>/", block_detail, name="geste_block_indicators"),
    path("geste/rapports/blocs/<int:pk>/apprenants.csv", block_learners_csv, name="geste_block_learners_csv"),
    path("geste/rapports/blocs/<int:pk>/indicateurs.csv", block_indicators_csv, name="geste_block_indicators_csv"),
]


# --- the admin home of a trainer: their sessions and a few indicators -------------------------------

HOME_COHORTS = 5


class TrainerSessionsPanel(Component):
    """ "Mes sessions de formation" on the Wagtail dashboard of a trainer (who has no page to edit,
    so the dashboard would otherwise be empty): each current session with its main indicators."""

    name = "geste_trainer_sessions"
    order = 50
    template_name = "capsules/admin/cohorts/home_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        items = list(cohorts.visible_cohorts(self.user).filter(trainers=self.user)
                     .order_by("-end_date", "name")[:HOME_COHORTS])
        return {"reports": [cohorts.cohort_report(c) for c in items]}


def trainer_home_panels(request, panels) -> None:
    if cohorts.is_trainer(request.user):
        panels.append(TrainerSessionsPanel(request.user))
