"""Admin screens and CSV exports of the learner reports (numbers come from ``capsules.analytics.reports``).

Designers and administrators only (``can_author``), checked here on every request: Wagtail's admin
wrapper already sends anonymous users to the login page and users without admin access away;
an expert, who has admin access, gets 403. CSV files are meant for Excel in French: UTF-8 with a
BOM, ``;`` between cells, decimal commas, dates as dd/mm/yyyy.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from capsules.analytics import cohorts, reports
from capsules.models import Capsule
from capsules.permissions import can_author
from capsules.templatetags.geste_i18n import percent

FORBIDDEN_TEMPLATE = "capsules/admin/forbidden.html"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _designers_only(view):
    def wrapper(request, *args, **kwargs):
        if not can_author(request.user):
            reason = _("Les rapports sont réservés aux concepteurs pédagogiques et aux administrateurs.")
            return forbidden(request, reason)
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def forbidden(request, reason: str):
    """403 in the admin; a trainer is shown where their cohorts' indicators are instead."""
    context = {"reason": reason}
    if cohorts.is_trainer(request.user):
        context.update(elsewhere_url=reverse("geste_cohorts"),
                       elsewhere_label=_("Voir les indicateurs de mes sessions de formation"))
    return TemplateResponse(request, FORBIDDEN_TEMPLATE, context, status=403)


# --- CSV for Excel (French) --------------------------------------------------------------------


def _cell(value) -> str:
    """One cell as Excel FR reads it; text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pct(percent: int | None) -> float | None:
    return None if percent is None else float(percent)


# --- screens -----------------------------------------------------------------------------------


@_designers_only
def reports_index(request):
    """Per skills block, its capsules: learners started, completed, completion rate, median watched."""
    return TemplateResponse(
        request, "capsules/admin/reports/index.html", {"blocks": reports.skills_block_summaries()}
    )


@_designers_only
def reports_index_csv(request):
    header = [
        _("Certification"), _("Bloc de compétences"), _("Intitulé du bloc"), _("Capsule"), _("Publiée"),
        _("Apprenants ayant commencé"), _("Apprenants ayant terminé"), _("Taux d'achèvement (%)"),
        _("Visionnage médian (%)"),
    ]
    rows = (
        [block.certification, block.code, block.title, c.title, c.live, c.started, c.completed,
         _pct(c.completion_percent), _pct(c.median_watched_percent)]
        for block in reports.skills_block_summaries()
        for c in block.capsules
    )
    return csv_response("rapport-capsules.csv", header, rows)


def _capsule(pk: int) -> Capsule:
    return get_object_or_404(Capsule.objects.select_related("skills_block"), pk=pk)


@_designers_only
def capsule_report(request, pk: int):
    """Per question and per learner, for one capsule."""
    capsule = _capsule(pk)
    return TemplateResponse(
        request,
        "capsules/admin/reports/capsule.html",
        {"capsule": capsule, "report": reports.capsule_report(capsule)},
    )


def _choices_text(question: reports.QuestionStats) -> str:
    parts = []
    for c in question.choices:
        marks = (" " + _("[juste]") if c.correct else "") + (
            " " + _("[erreur la plus fréquente]") if c.most_common_wrong else ""
        )
        share = f" ({percent(c.percent)})" if c.percent is not None else ""
        parts.append(f"{c.text}{marks} : {c.count}{share}")
    for blank in question.blanks:  # fill-in questions: what was typed
        accepted = " " + _("[accepté]")
        typed = ", ".join(f"« {a.text} »{accepted if a.accepted else ''} : {a.count}" for a in blank.answers)
        parts.append(_("Trou %(n)s : %(typed)s") % {"n": blank.number, "typed": typed or "—"})
    return " | ".join(parts)


@_designers_only
def capsule_questions_csv(request, pk: int):
    capsule = _capsule(pk)
    header = [
        _("Instant (s)"), _("Type"), _("Question"), _("Obligatoire"), _("Apprenants ayant répondu"),
        _("Tentatives"), _("Réussite du premier coup (%)"), _("Tentatives moyennes jusqu'à la bonne réponse"),
        _("Réponses choisies (toutes tentatives)"), _("Auto-évaluée"),
    ]
    rows = (
        [q.time, q.kind_label, q.prompt, q.mandatory, q.learners, q.attempts, _pct(q.first_try_percent),
         q.mean_attempts_until_right, _choices_text(q), q.self_assessed]
        for q in reports.question_stats(capsule)
    )
    return csv_response(f"rapport-capsule-{capsule.pk}-questions.csv", header, rows)


@_designers_only
def capsule_learners_csv(request, pk: int):
    capsule = _capsule(pk)
    header = [
        _("Apprenant"), _("Visionnage (%)"), _("Terminée"), _("Terminée le"), _("Bonnes réponses"),
        _("Questions"), _("Score (%)"), _("Dernière activité"),
    ]
    rows = (
        [r.name, float(r.watched_percent), r.completed, r.completed_at, r.right, r.questions,
         _pct(r.score_percent), r.last_activity]
        for r in reports.learner_rows(capsule)
    )
    return csv_response(f"rapport-capsule-{capsule.pk}-apprenants.csv", header, rows)


urlpatterns = [
    path("geste/rapports/", reports_index, name="geste_reports"),
    path("geste/rapports/capsules.csv", reports_index_csv, name="geste_reports_csv"),
    path("geste/rapports/capsules/<int:pk>/", capsule_report, name="geste_report_capsule"),
    path("geste/rapports/capsules/<int:pk>/questions.csv", capsule_questions_csv,
         name="geste_report_capsule_questions_csv"),
    path("geste/rapports/capsules/<int:pk>/apprenants.csv", capsule_learners_csv,
         name="geste_report_capsule_learners_csv"),
]
