"""Designer admin: certifications, skills blocks, footage with live processing progress, upload.

Review and authoring screens are registered in cms/wagtail_hooks.py.
"""

from django import forms
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from capsules import experts
from capsules.analytics import report_views
from capsules.models import Certification, Cohort, Footage, PipelineRun, SkillsBlock
from capsules.permissions import can_author, visible_footage
from capsules.pipeline import admin_views
from capsules.pipeline.workflow import STAGE_BY_NAME
from capsules.templatetags.geste_i18n import percent


class ProcessingColumn(Column):
    """Current stage and percentage, refreshed in place by footage_list.js."""

    def get_value(self, instance):
        runs = getattr(instance, "runs_newest_first", None)  # prefetched by the listing (no query per row)
        run = runs[0] if runs is not None and runs else (None if runs is not None else instance.latest_run)
        if run is None:
            return "—"
        running = next((s for s in run.stages.all() if s.status == "running"), None)
        spec = STAGE_BY_NAME.get(running.name) if running else None
        label = f"{spec.label} {percent(f'{running.progress:.0f}')}" if spec else run.get_status_display()
        return format_html('<span class="geste-run" data-status-url="{}">{}</span>',
                           reverse("geste_footage_status", args=[instance.pk]), label)


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return experts.expert_label(obj)


class CertificationIndexView(IndexView):
    add_item_label = _("Ajouter une certification")  # not Wagtail's "Ajouter un(e) certification"


class SkillsBlockIndexView(IndexView):
    add_item_label = _("Ajouter un bloc de compétences")


class CertificationViewSet(ModelViewSet):
    model = Certification
    index_view_class = CertificationIndexView
    icon = "doc-full"
    menu_label = _("Certifications")
    form_fields = ["title", "rncp_code", "vocabulary"]
    list_display = ["title", "rncp_code"]
    search_fields = ["title", "rncp_code"]
    copy_view_enabled = False


class SkillsBlockViewSet(ModelViewSet):
    model = SkillsBlock
    index_view_class = SkillsBlockIndexView
    icon = "list-ul"
    menu_label = _("Blocs de compétences")
    form_fields = ["certification", "code", "title", "description", "order"]
    list_display = ["code", "title", "certification"]
    list_filter = ["certification"]
    search_fields = ["code", "title"]
    copy_view_enabled = False


class FootageIndexView(IndexView):
    """The footage listing: only what the user may see, latest runs and stages prefetched.

    A footage is added by uploading its file: the "add" button leads to the upload page."""

    add_item_label = _("Téléverser une vidéo")

    def get_add_url(self):
        return reverse("geste_upload") if can_author(self.request.user) else None

    def get_base_queryset(self):
        runs = PipelineRun.objects.order_by("-created_at").prefetch_related("stages")
        return visible_footage(self.request.user).select_related("skills_block").prefetch_related(
            Prefetch("runs", queryset=runs, to_attr="runs_newest_first"))


class FootageViewSet(ModelViewSet):
    model = Footage
    index_view_class = FootageIndexView
    icon = "media"
    menu_label = _("Vidéos sources")
    form_fields = ["title", "skills_block", "language", "expert"]
    list_filter = ["status", "skills_block"]
    search_fields = ["title", "original_name"]
    copy_view_enabled = False
    add_to_admin_menu = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        """The expert is chosen among the Experts group only, by full name (the form refuses anyone else)."""
        if db_field.name == "expert":
            field = ExpertChoiceField(queryset=experts.eligible_experts(), required=False,
                                      label=db_field.verbose_name.capitalize(),
                                      empty_label=_("— Aucun expert —"))
            return field
        return super().formfield_for_dbfield(db_field, **kwargs)

    @property
    def list_display(self):
        return [
            TitleColumn("title", label=_("Titre"), url_name="geste_footage_detail"),
            Column("skills_block", label=_("Bloc")),
            Column("status", label=_("Statut"), accessor="get_status_display"),
            ProcessingColumn("processing", label=_("Traitement")),
            Column("created_at", label=_("Créée le")),
        ]


class GesteViewSetGroup(ModelViewSetGroup):
    menu_label = _("Formations")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (CertificationViewSet("certification"), SkillsBlockViewSet("skills_block"),
             FootageViewSet("footage"))


@hooks.register("register_admin_viewset")
def register_viewsets():
    return GesteViewSetGroup()


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("geste/footage/upload/", admin_views.upload_page, name="geste_upload"),
        path("geste/uploads/", admin_views.upload_create, name="geste_upload_create"),
        path("geste/uploads/<str:upload_id>/", admin_views.upload_chunk, name="geste_upload_chunk"),
        path("geste/uploads/<str:upload_id>/complete/", admin_views.upload_complete, name="geste_upload_complete"),
        path("geste/footage/<int:pk>/", admin_views.footage_detail, name="geste_footage_detail"),
        path("geste/footage/<int:pk>/status/", admin_views.footage_status, name="geste_footage_status"),
        path("geste/footage/<int:pk>/rerun/<str:stage>/", admin_views.footage_rerun, name="geste_footage_rerun"),
        path("geste/footage/<int:pk>/cancel/", admin_views.footage_cancel, name="geste_footage_cancel"),
        path("geste/footage/<int:pk>/restart/", admin_views.footage_restart, name="geste_footage_restart"),
        path("geste/footage/<int:pk>/transcript/", admin_views.transcript_edit, name="geste_transcript_edit"),
        path("geste/footage/<int:pk>/expert/", admin_views.footage_assign, name="geste_footage_assign"),
    ]


class DesignerMenuItem(MenuItem):
    def is_shown(self, request):
        return can_author(request.user)


@hooks.register("register_admin_menu_item")
def upload_menu_item():
    return DesignerMenuItem(_("Téléverser une vidéo"), reverse("geste_upload"), icon_name="upload", order=140)


@hooks.register("insert_global_admin_css")
def scroll_regions_css():
    from django.templatetags.static import static

    return format_html('<link rel="stylesheet" href="{}">', static("capsules/admin/scroll_regions.css"))


@hooks.register("insert_global_admin_css")
def sidebar_css():
    """Long French menu labels wrap instead of being cut (capsules/admin/sidebar.css)."""
    from django.templatetags.static import static

    return format_html('<link rel="stylesheet" href="{}">', static("capsules/admin/sidebar.css"))


@hooks.register("insert_global_admin_css")
def header_css():
    """The header of Geste's own pages holds on two short lines at phone width (capsules/admin/header.css)."""
    from django.templatetags.static import static

    return format_html('<link rel="stylesheet" href="{}">', static("capsules/admin/header.css"))


@hooks.register("insert_global_admin_js")
def date_escape_js():
    """Escape closes Wagtail's date calendar (capsules/admin/date_escape.js)."""
    from django.templatetags.static import static

    return format_html('<script src="{}" defer></script>', static("capsules/admin/date_escape.js"))


@hooks.register("insert_global_admin_js")
def scroll_regions_js():
    from django.templatetags.static import static

    return format_html('<script src="{}" defer></script>', static("capsules/admin/scroll_regions.js"))


@hooks.register("insert_global_admin_js")
def footage_list_js():
    from django.templatetags.static import static

    return format_html('<script src="{}" defer></script>', static("capsules/admin/footage_list.js"))


# --- learner reports (capsules/report_views.py) --------------------------------------------------


@hooks.register("register_admin_urls")
def register_report_urls():
    return report_views.urlpatterns


@hooks.register("register_reports_menu_item")
def reports_menu_item():
    """Inside Wagtail's own "Rapports" menu, so the admin shows one "Rapports" entry, not two."""
    return DesignerMenuItem(_("Apprenants par capsule"), reverse("geste_reports"), name="geste-reports",
                            icon_name="user", order=100)


# --- xAPI exports of learner activity (capsules/xapi_views.py) ------------------------------------


@hooks.register("register_admin_urls")
def register_xapi_urls():
    from capsules.analytics import xapi_views

    return xapi_views.urlpatterns


# --- recognition: block badges, manual award and revocation (capsules/recognition/admin_views.py) ----


@hooks.register("register_admin_viewset")
def register_achievement_viewset():
    from capsules.recognition.admin_views import AchievementViewSet

    return AchievementViewSet("achievement")


@hooks.register("register_admin_urls")
def register_badge_urls():
    from capsules.recognition import admin_views

    return admin_views.urlpatterns


class AwarderMenuItem(MenuItem):
    def is_shown(self, request):
        from capsules.recognition.admin_views import can_award

        return can_award(request.user)


@hooks.register("register_admin_menu_item")
def badges_menu_item():
    return AwarderMenuItem(_("Badges délivrés"), reverse("geste_badges"), icon_name="pick", order=165)


# --- individual paths: placement selection (authoring), cohorts and indicators (analytics) ----------


@hooks.register("register_admin_urls")
def register_placement_selection_urls():
    from capsules.authoring import placement_selection

    return placement_selection.urlpatterns


class CohortIndexView(IndexView):
    add_item_label = _("Nouvelle session de formation")  # not Wagtail's « Ajouter un(e) session de formation »


class CohortCreateView(CreateView):
    """Wagtail's French is gendered for any model (« Le(la) … créé(e) »): the session's own wording."""

    page_title = _("Nouvelle session de formation")
    success_message = _("Session de formation « %(object)s » créée.")
    error_message = _("La session de formation n'a pas pu être créée à cause d'erreurs.")

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        """Wagtail's last crumb is « Ajout : <subtitle> », which read a bare « Ajout : » (walk 29b)."""
        items = super().get_breadcrumbs_items()
        return [*items[:-1], {**items[-1], "label": self.page_title}]


class CohortEditView(EditView):
    success_message = _("Session de formation « %(object)s » modifiée.")
    error_message = _("La session de formation n'a pas pu être enregistrée à cause d'erreurs.")


class CohortDeleteView(DeleteView):
    success_message = _("Session de formation « %(object)s » supprimée.")

    @property
    def confirmation_message(self):
        return _("Voulez-vous vraiment supprimer cette session de formation ?")


class CohortViewSet(ModelViewSet):
    """Designers create sessions de formation: a block, dates, trainers and learners."""

    model = Cohort
    index_view_class = CohortIndexView
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    delete_view_class = CohortDeleteView
    icon = "group"
    menu_label = _("Sessions de formation (gestion)")
    list_display = ["name", "skills_block", "start_date", "end_date"]
    list_filter = ["skills_block"]
    search_fields = ["name"]
    copy_view_enabled = False
    add_to_admin_menu = False

    def get_form_class(self, for_update=False):
        """Dates with a calendar and checked in order (capsules/analytics/cohort_form.py)."""
        from capsules.analytics.cohort_form import CohortForm

        return CohortForm


@hooks.register("register_admin_viewset")
def register_cohort_viewset():
    return CohortViewSet("cohort")


@hooks.register("register_admin_urls")
def register_cohort_urls():
    from capsules.analytics import cohort_views

    return cohort_views.urlpatterns


class CohortMenuItem(MenuItem):
    def is_shown(self, request):
        from capsules.analytics.cohort_views import may_see_cohorts

        return may_see_cohorts(request.user)


@hooks.register("construct_homepage_panels")
def trainer_sessions_panel(request, panels):
    from capsules.analytics.cohort_views import trainer_home_panels

    trainer_home_panels(request, panels)


@hooks.register("register_admin_menu_item")
def cohorts_menu_item():
    return CohortMenuItem(_("Sessions de formation"), reverse("geste_cohorts"), icon_name="group", order=160)


@hooks.register("register_admin_menu_item")
def placement_menu_item():
    return DesignerMenuItem(_("Tests de positionnement"), reverse("geste_placement_index"), icon_name="list-ol",
                            order=145)


# --- course packages for an LMS: cmi5, SCORM 1.2 (capsules/interop/admin_views.py) -------------------


@hooks.register("register_admin_urls")
def register_package_urls():
    from capsules.interop import admin_views

    return admin_views.urlpatterns


@hooks.register("register_admin_menu_item")
def packages_menu_item():
    return DesignerMenuItem(_("Paquets SCORM / cmi5"), reverse("geste_packages"), icon_name="download", order=170)


# --- LTI 1.3: platforms and deployments (capsules/interop/lti/admin_views.py) ------------------------


@hooks.register("register_admin_viewset")
def register_lti_viewsets():
    from capsules.interop.lti.admin_views import LtiViewSetGroup

    return LtiViewSetGroup()
