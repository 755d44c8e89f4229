"""The form a designer fills to create or edit a session de formation (``CohortViewSet`` in wagtail_hooks).

- Dates: Wagtail's date widget (a calendar; the text format is said under each field). An end before the
  start is refused under « Fin » in words, before the database constraint ``cohort_dates_in_order`` could
  surface as « La contrainte … n'est pas respectée » (first-user walk 29).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from capsules.models import Cohort

DATE_HINT = _("Format : AAAA-MM-JJ, ou choisissez la date dans le calendrier.")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "skills_block", "start_date", "end_date", "trainers", "learners"]
        widgets = {"start_date": AdminDateInput(), "end_date": AdminDateInput()}
        help_texts = {"start_date": DATE_HINT, "end_date": DATE_HINT}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La date de fin doit être le jour du début ou après."))
        return data
