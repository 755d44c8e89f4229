"""Draft quizzes from approved steps: proposed to the designer when a capsule is authored.

Drafting needs the expert-approved steps, which exist only after review, so the automatic
run records the stage as not applicable; capsules.authoring.drafting runs at authoring time.
"""

from django.utils.translation import gettext as _

from capsules.pipeline.stages.base import Skip, Stage, register


@register
class DraftQuizzesStage(Stage):
    name = "draft_quizzes"

    def check(self, ctx):
        raise Skip(_("Les quiz sont proposés au concepteur après l'approbation des étapes par l'expert."))
