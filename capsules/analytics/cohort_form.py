"""The form a designer fills to create or edit a session de formation (``CohortViewSet`` in wagtail_hooks).

- Dates: Wagtail's date widget (a calendar; the text format is said under each field). An end before the
  start is refused under « Fin » in words, before the database constraint ``cohort_dates_in_order`` could
  surface as « La contrainte … n'est pas respectée » (first-user walk 29).
- People: « Formateurs » offers the active members of the Trainers group, « Apprenants » those of the Learners
  group (they listed every account by login: experts, designers, the administrator). Superusers are not
  offered as trainers: they see every session already, and « Mes sessions » is a trainer's home. Whoever
  the session already holds stays offered, so editing a session never drops someone silently. Each person
  reads « Prénom Nom (login) », in a list of checkboxes; anyone else posted is refused.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from capsules.analytics.cohorts import TRAINERS_GROUP
from capsules.learning.signin import LEARNERS_GROUP
from capsules.models import Cohort

DATE_HINT = _("Format : AAAA-MM-JJ, ou choisissez la date dans le calendrier.")


def person_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return person_label(obj)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "skills_block", "start_date", "end_date", "trainers", "learners"]
        widgets = {"start_date": AdminDateInput(), "end_date": AdminDateInput()}
        help_texts = {"start_date": DATE_HINT, "end_date": DATE_HINT}
        field_classes = {"trainers": PeopleField, "learners": PeopleField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, group in (("trainers", TRAINERS_GROUP), ("learners", LEARNERS_GROUP)):
            current = Q(pk__in=getattr(self.instance, name).values("pk")) if self.instance.pk else Q()
            field = self.fields[name]
            field.queryset = (get_user_model().objects.filter(Q(is_active=True, groups__name=group) | current)
                              .distinct().order_by("last_name", "first_name", "username"))
        self.fields["trainers"].help_text = _("Les membres du groupe Formateurs.")
        self.fields["learners"].help_text = _("Les membres du groupe Apprenants.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin doit être le jour du début ou après."))
        return data
