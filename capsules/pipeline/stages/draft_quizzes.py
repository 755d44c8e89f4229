"""Draft quizzes: the transcript's question proposals for each proposed step, prepared in the run.

The part of drafting that reads the commentary (key terms heard with confidence, values with
units) does not depend on the expert's decisions: it is prepared here, stored as the stage's
``proposals.json`` artefact, and ``capsules.authoring.drafting`` uses it when the designer asks
for proposals (drafting again only if the transcript was corrected since). Questions from the
approved step titles and the expert's key points are made at authoring time, when they exist.
"""

import json

from django.utils.translation import gettext as _

from capsules import storage
from capsules.pipeline.stages.base import Skip, Stage, register
from media_pipeline.quiz_drafts import PROPOSALS_FORMAT, DraftStep, prepare_proposals


def vocabulary(footage) -> list[str]:
    block = footage.skills_block
    return block.certification.vocabulary_terms if block else []


@register
class DraftQuizzesStage(Stage):
    name = "draft_quizzes"

    def settings_key(self, ctx) -> str:
        return json.dumps([PROPOSALS_FORMAT, vocabulary(ctx.footage)], ensure_ascii=False)

    def check(self, ctx):
        if not ctx.upstream_ran("segment"):
            raise Skip(_("Aucune étape proposée : pas de quiz à préparer."))
        if not ctx.upstream_ran("transcribe"):
            raise Skip(_("Pas de commentaire transcrit : les quiz seront proposés à partir des étapes approuvées."))

    def compute(self, ctx, workdir, progress):
        steps = storage.read_json(ctx.upstream_file("segment", "steps"))
        transcript = storage.read_json(ctx.upstream_file("transcribe", "transcript"))
        progress(10)
        drafts = [
            DraftStep(id=i, start=s["start"], end=s["end"], title=s.get("title", ""),
                      key_terms=tuple(s.get("key_terms") or ()))
            for i, s in enumerate(steps, start=1)
        ]
        proposals = prepare_proposals(drafts, transcript, vocabulary=vocabulary(ctx.footage))
        (workdir / "proposals.json").write_text(json.dumps(proposals, ensure_ascii=False), "utf-8")
        count = sum(len(s["questions"]) for s in proposals["steps"]) + len(proposals["outside_steps"])
        return {"files": {"proposals": "proposals.json"}, "count": count, "steps": len(drafts)}
