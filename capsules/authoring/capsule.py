"""Designer authoring: a capsule (and its draft CapsulePage) from a footage's approved steps, and
Interactions built from what the designer typed, validated per kind.

The answer keys follow the formats ``capsules/grading.py`` grades:
choices ``{"correct": [ids]}``, true/false ``{"correct": bool}``, ordering ``{"order": [ids]}``,
hotspot ``{"regions": [{"rect": [x, y, w, h]}]}`` (0..1 of the frame), cloze ``{"blanks": [[accepted…]]}``
with one ``____`` per blank in the prompt, free recall ``{"model_answer": text}`` (self-assessed).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from capsules import learner_steps
from capsules.authoring.step_changes import remember_step
from capsules.models import STEP_GRACE_AFTER_END_S, Capsule, Footage, Interaction, SkillsBlock, Step
from capsules.pages import page_model
from capsules.sanitize import rich_text_from_plain, slug_from_text
from capsules.templatetags.geste_clock import clock_tenths
from media_pipeline.quiz_drafts import (
    DEFAULT_REGION,
    DraftQuestion,
    DraftStep,
    answer_texts,
    leaked_answer,
    moment_text,
    replay_start,
)
from media_pipeline.timecode import typed_seconds

BLANK = "____"
KINDS_AUTHORED = [
    Interaction.Kind.SINGLE_CHOICE,
    Interaction.Kind.MULTIPLE_CHOICE,
    Interaction.Kind.TRUE_FALSE,
    Interaction.Kind.ORDERING,
    Interaction.Kind.HOTSPOT,
    Interaction.Kind.CLOZE,
    Interaction.Kind.FREE_RECALL,
]


# The fields of the pages' forms in the order the pages show them: sent back with errors, the page opens
# on the first one in error (capsules/templatetags/geste_forms.py).
CAPSULE_FIELDS = ("title", "first_step", "last_step")
INTERACTION_FIELDS = ("kind", "time", "step", "prompt", "choices", "true_false", "hotspot_x", "hotspot_y",
                      "hotspot_w", "hotspot_h", "hotspot", "cloze", "model_answer", "feedback_correct",
                      "feedback_wrong")

# The most characters a designer's text may have (walk 29: a 1,330-character question filled a 360-px phone
# and hid the player's controls; a 1,440-character summary filled the skills block's card). Checked on the
# server with a French message; the forms also carry them as maxlength. The title keeps its column's 255.
MAX_LENGTHS = {
    "prompt": 300,  # a question or instruction, read over the video on a phone
    "choice": 150,  # one answer option
    "feedback": 500,  # « Retour si juste / faux », and a choice's own feedback
    "model_answer": 500,  # a free recall's expected answer
    "summary": 600,  # the capsule's summary (its page and its skills block's card)
}


# The question form's fields in error, as the summary at the form's top links to them (each message is said
# once, under its field): the element to go to and the field's name as its label says it.
INTERACTION_FIELD_LINKS = {
    "kind": ("id_kind", gettext_lazy("Type d'interaction")),
    "time": ("id_time", gettext_lazy("Instant")),
    "step": ("id_step", pgettext_lazy("étape de la capsule", "Étape")),
    "prompt": ("id_prompt", gettext_lazy("Question ou consigne")),
    "choices": ("id_choices", gettext_lazy("Réponses")),
    "true_false": ("id_true_false_error", gettext_lazy("L'affirmation est…")),
    "hotspot": ("id_hotspot_error", gettext_lazy("Zone à cliquer")),
    "cloze": ("id_cloze", gettext_lazy("Texte à trous")),
    "model_answer": ("id_model_answer", gettext_lazy("Réponse attendue")),
    "feedback_correct": ("id_feedback_correct", gettext_lazy("Retour si la réponse est juste")),
    "feedback_wrong": ("id_feedback_wrong", gettext_lazy("Retour si la réponse est fausse")),
}


def too_long(text: str, limit: int, what) -> str:
    """« Le texte de la question : 1 330 caractères, 300 au plus. » ("" when it fits)."""
    count = len(text or "")
    if count <= limit:
        return ""
    return _("%(what)s : %(count)s caractères, %(limit)s au plus.") % {
        "what": what, "count": number_format(count, force_grouping=True),
        "limit": number_format(limit, force_grouping=True)}


def _length_errors(kind: str, prompt: str, choices: list[dict], data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    where = "cloze" if kind == Interaction.Kind.CLOZE else "prompt"
    if said := too_long(prompt, MAX_LENGTHS["prompt"], _("Le texte de la question")):
        errors[where] = said
    if kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE):
        for n, choice in enumerate(choices, start=1):
            said = (too_long(choice["text"], MAX_LENGTHS["choice"], _("La réponse n° %(n)s") % {"n": n})
                    or too_long(choice.get("feedback", ""), MAX_LENGTHS["feedback"],
                                _("Le retour de la réponse n° %(n)s") % {"n": n}))
            if said:
                errors["choices"] = said
                break
    if said := too_long((data.get("model_answer") or "").strip(), MAX_LENGTHS["model_answer"],
                        _("La réponse attendue")):
        errors["model_answer"] = said
    for name, what in (("feedback_correct", _("Le retour si la réponse est juste")),
                       ("feedback_wrong", _("Le retour si la réponse est fausse"))):
        if said := too_long((data.get(name) or "").strip(), MAX_LENGTHS["feedback"], what):
            errors[name] = said
    return errors


def error_summary(errors: dict | None) -> list[dict]:
    """The form's errors as links to their fields, in the page's order; an error no field shows (none
    today) keeps its message."""
    errors = errors or {}
    order = [n for n in INTERACTION_FIELDS if n in errors] + [n for n in errors if n not in INTERACTION_FIELDS]
    out, seen = [], set()
    for name in order:
        target, label = INTERACTION_FIELD_LINKS.get(name, ("", ""))
        if name.startswith("hotspot_"):
            target, label = INTERACTION_FIELD_LINKS["hotspot"]
        if target in seen:
            continue
        seen.add(target)
        out.append({"href": f"#{target}" if target else "", "label": label, "message": "" if target else errors[name]})
    return out


def first_in_error(errors: dict | None, order: tuple[str, ...]) -> str | None:
    """The first field of ``order`` (the page's order) that has an error; None when none has."""
    return next((name for name in order if name in (errors or {})), None)


class AuthoringError(ValueError):
    """Field name -> message (French msgid, in the admin user's language); the screen shows each next to
    its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class AuthoredCapsule:
    capsule_id: int
    page_id: int
    step_ids: tuple[int, ...]

    def to_dict(self) -> dict:
        return asdict(self)


# --- capsules and pages -----------------------------------------------------------------------


def skills_block_page(block: SkillsBlock):
    """The SkillsBlockPage of a block, created (published, it holds no content of its own) under the
    certification's page, itself created under the catalogue home page if missing."""
    CertificationPage = page_model("CertificationPage")
    HomePage = page_model("HomePage")
    SkillsBlockPage = page_model("SkillsBlockPage")

    page = SkillsBlockPage.objects.filter(skills_block=block).first()
    if page:
        return page
    cert_page = CertificationPage.objects.filter(certification=block.certification).first()
    if cert_page is None:
        cert_page = CertificationPage(
            title=block.certification.title,
            certification=block.certification,
            slug=slugify(block.certification.rncp_code),
        )
        HomePage.objects.get().add_child(instance=cert_page)
        cert_page.save_revision().publish()
    page = SkillsBlockPage(title=block.title, skills_block=block, slug=slugify(block.code))
    cert_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def step_range(footage: Footage, first_step_id: int | None, last_step_id: int | None) -> list[Step]:
    steps = list(footage.steps.order_by("start"))
    if not steps:
        raise AuthoringError({"first_step": _("Cette vidéo n'a aucune étape.")})
    ids = [s.pk for s in steps]
    try:
        lo = ids.index(first_step_id) if first_step_id else 0
        hi = ids.index(last_step_id) if last_step_id else len(steps) - 1
    except ValueError:
        raise AuthoringError({"first_step": _("Étape inconnue pour cette vidéo.")})
    if hi < lo:
        raise AuthoringError({"last_step": _("La dernière étape doit venir après la première.")})
    return steps[lo : hi + 1]


@transaction.atomic
def create_capsule(
    footage: Footage,
    *,
    title: str,
    first_step_id: int | None = None,
    last_step_id: int | None = None,
    summary: str = "",
    user=None,
) -> AuthoredCapsule:
    """Create a Capsule over a range of approved steps and its CapsulePage as an unpublished draft."""
    CapsulePage = page_model("CapsulePage")

    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Donnez un titre à la capsule.")
    if footage.status != Footage.Status.APPROVED:
        errors["footage"] = _("Les étapes de cette vidéo doivent d'abord être approuvées par l'expert.")
    if footage.skills_block_id is None:
        errors["footage"] = _("Rattachez d'abord la vidéo à un bloc de compétences.")
    if said := too_long((summary or "").strip(), MAX_LENGTHS["summary"], _("Le résumé")):
        errors["summary"] = said
    if errors:
        raise AuthoringError(errors)
    steps = step_range(footage, first_step_id, last_step_id)
    block = footage.skills_block
    capsule = Capsule.objects.create(
        title=title[:255],
        footage=footage,
        skills_block=block,
        start=steps[0].start,
        end=steps[-1].end,
        summary=summary,
        order=block.capsules.count() + 1,
    )
    parent = skills_block_page(block)
    page = CapsulePage(
        title=capsule.title,
        capsule=capsule,
        live=False,
        intro=rich_text_from_plain(summary),  # typed text: escaped, never raw HTML
        slug=_unique_slug(parent, capsule.title),
        owner=user,
    )
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return AuthoredCapsule(capsule_id=capsule.pk, page_id=page.pk, step_ids=tuple(s.pk for s in steps))


def _unique_slug(parent, title: str) -> str:
    base = slug_from_text(title)[:70].strip("-") or "capsule"
    slug, n = base, 2
    while parent.get_children().filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def update_capsule_texts(capsule: Capsule, *, title: str, summary: str, user=None) -> None:
    """Edit the capsule's title and summary; the page gets a new draft revision (live page untouched)."""
    title = (title or "").strip()
    if not title:
        raise AuthoringError({"title": _("Donnez un titre à la capsule.")})
    if said := too_long(summary.strip(), MAX_LENGTHS["summary"], _("Le résumé")):
        raise AuthoringError({"summary": said})
    capsule.title, capsule.summary = title[:255], summary.strip()
    capsule.save(update_fields=["title", "summary"])
    page = getattr(capsule, "page", None)
    if page is not None:
        page = page.get_latest_revision_as_object()
        page.title = capsule.title
        page.draft_title = capsule.title
        page.intro = rich_text_from_plain(capsule.summary)
        page.save_revision(user=user, log_action=True)


def submit_requirement(capsule: Capsule) -> str:
    """What the capsule still needs before « Envoyer en validation à l'expert », in French ("" when nothing):
    at least one accepted interaction (a quiz proposal counts once accepted). The one condition the submit
    view refuses on and the capsule's screen says beside the button before the click (walk 27: a first user
    learnt it only from the refusal)."""
    if capsule.interactions.filter(draft_status=Interaction.DraftStatus.ACCEPTED).exists():
        return ""
    said = _("Ajoutez au moins une interaction avant d'envoyer la capsule en validation.")
    if capsule.interactions.filter(draft_status=Interaction.DraftStatus.PROPOSED).exists():
        said += " " + _("Les propositions de quiz ne comptent qu'une fois acceptées.")
    return said


def submit_for_validation(capsule: Capsule, user):
    """Start the page's workflow (expert validation, then publication by a designer)."""
    page = capsule.page.get_latest_revision_as_object()
    workflow = page.get_workflow()
    if workflow is None:
        raise AuthoringError({"workflow": _("Aucun circuit de validation n'est défini pour cette page.")})
    if page.workflow_in_progress:
        raise AuthoringError({"workflow": _("La capsule est déjà en cours de validation.")})
    page.save_revision(user=user, log_action=True)
    state = page.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        # The expert asked for changes: the same workflow resumes at the expert's task (as Wagtail's
        # editor does on « Submit »); starting another one is refused while that one is active.
        state.resume(user)
        return state
    return workflow.start(page, user)


# --- the capsule's clock ----------------------------------------------------------------------
# Times are stored on the footage's clock (a capsule is a range of its footage, from ``capsule.start``);
# the designer's screens, like the learner's player, count them from the capsule's start: 0:00,0 is the
# first frame of the excerpt. These convert at the edge (form in, page out), rounded to the millisecond.


# A typed time this close outside the capsule is taken as its edge (drafted proposals may lie 0.05 s out).
TIME_TOLERANCE_S = 0.05


def capsule_length(capsule: Capsule) -> float:
    return max(0.0, capsule.effective_end - capsule.start)


def to_capsule_clock(capsule: Capsule, footage_time: float) -> float:
    """A stored (footage) time, counted from the capsule's start."""
    return round(footage_time - capsule.start, 3)


def to_footage_clock(capsule: Capsule, capsule_time: float) -> float:
    """A time counted from the capsule's start, as stored (on the footage's clock)."""
    return round(capsule.start + capsule_time, 3)


def capsule_clock_tenths(capsule: Capsule, footage_time: float) -> str:
    """m:ss,d of a stored time on the capsule's clock (what the designer reads), with the tenth in the active
    language (0:12,0 in French, 0:12.0 in English): the templates' ``|clock_tenths``, one rule (walk en34)."""
    return clock_tenths(footage_time, capsule.start)


def time_range_error(capsule: Capsule) -> str:
    length = capsule_length(capsule)
    # Rounded as the form's help line (|floatformat:1, half up) and the clock: walk 49 read « entre 0 et 50,0
    # secondes (0:00,0 – 0:50,1) » above « de 0 à 50,1 s » (round() on 50.05 gave 50.0).
    return _("Le moment doit être entre 0 et %(seconds)s secondes depuis le début de la capsule "
             "(%(start)s – %(end)s).") % {"seconds": floatformat(length, 1), "start": clock_tenths(0),
                                          "end": clock_tenths(length)}


# --- interactions -----------------------------------------------------------------------------


def typed_time(data: dict, name: str, errors: dict, label: str) -> float | None:
    """A time a person typed in the field ``name``, in seconds: « 65,5 » / « 65.5 », or the clock the form
    writes (« 1:05,5 », copied from the step list or the help line), the same clock as the page's. A walk
    (instant40) copied « 1:05,5 » from the step list and was told a number was expected. The caller checks
    the range; anything else gets its message (the admin user's language) in ``errors``."""
    try:
        return typed_seconds(str(data.get(name, "")))
    except ValueError:
        errors[name] = _("%(label)s : écrivez des secondes (65,5) ou minutes:secondes (1:05,5), les "
                         "secondes de 00 à 59.") % {"label": label}
        return None


# A decimal number as a person types it: "0,25" (as every screen writes it) or "0.25"; no exponent, no
# "inf" or "nan" (which float() would take).
DECIMAL = re.compile(r"^-?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
HOTSPOT_FIELDS = {"x": gettext_lazy("x (bord gauche)"), "y": gettext_lazy("y (bord haut)"),
                  "w": gettext_lazy("largeur"), "h": gettext_lazy("hauteur")}


def hotspot_rect(data: dict, errors: dict) -> list[float] | None:
    """The click zone typed or drawn in the form: x, y, width, height as fractions of the picture,
    written with a decimal comma or point. Messages (the admin user's language) in ``errors``; None when
    it is not a zone."""
    raw = {k: str(data.get(f"hotspot_{k}", "") or "").strip() for k in HOTSPOT_FIELDS}
    if not any(raw.values()):
        errors["hotspot"] = _("Tracez la zone à cliquer sur l'image, ou saisissez-la.")
        return None
    values = {}
    for k, label in HOTSPOT_FIELDS.items():
        if not DECIMAL.match(raw[k]):
            errors[f"hotspot_{k}"] = _("Zone, %(label)s : un nombre entre 0 et 1 est attendu, par exemple 0,25 "
                                       "(virgule ou point).") % {"label": label}
        else:
            values[k] = float(raw[k].replace(",", "."))
    if len(values) < len(HOTSPOT_FIELDS):
        return None
    x, y, w, h = (values[k] for k in HOTSPOT_FIELDS)
    if not (0 <= x <= 1 and 0 <= y <= 1):
        errors["hotspot"] = _("Zone : x et y sont des fractions de l'image, entre 0 et 1 (par exemple 0,25).")
    elif not (w > 0 and h > 0):
        errors["hotspot"] = _("Zone : la largeur et la hauteur doivent être plus grandes que 0.")
    elif x + w > 1 + 1e-9 or y + h > 1 + 1e-9:
        errors["hotspot"] = _("Zone : elle dépasse de l'image (x + largeur et y + hauteur ne peuvent pas "
                              "dépasser 1).")
    else:
        return [x, y, w, h]
    return None


def _bool(data: dict, name: str) -> bool:
    value = data.get(name)
    return value in (True, "on", "true", "1", "oui", 1)


def parse_choices(text: str) -> list[dict]:
    """One choice per line; a leading ``*`` marks a right answer; ``|`` separates the choice's feedback.

    ``* Une clé dynamométrique | Oui, elle garantit le couple`` -> correct choice with its feedback.
    """
    choices = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        correct = line.startswith("*")
        body = line.lstrip("*").strip()
        label, _sep, feedback = body.partition("|")
        choices.append(
            {
                "id": chr(ord("a") + len(choices)),
                "text": label.strip(),
                "feedback": feedback.strip(),
                "correct": correct,
            }
        )
    return choices


def answer_errors(kind: str, choices: list[dict], answer_key: dict, image: str = "") -> dict[str, str]:
    """What a question of ``kind`` needs to be answerable, checked on what is stored (the designer's form and
    the acceptance of a drafted proposal both call it): no empty answer, right or wrong (walk 39: a line with
    only « * » gave a blank right radio), at least two answers, the right ones among them, a cloze's blanks
    each with an accepted answer, a zone, an expected answer. Field name -> message (admin user's language)."""
    answer_key = answer_key or {}
    texts = [(str(c.get("id")), (c.get("text") or "").strip()) for c in choices or []]
    if kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE):
        key = answer_key.get("correct")
        right = [str(i) for i in key] if isinstance(key, list) else []
        ids = {i for i, _text in texts}
        if any(i in right and not text for i, text in texts):
            return {"choices": _("Écrivez le texte de la bonne réponse : une ligne n'a que l'astérisque (*).")}
        if empty := next((n for n, (_i, text) in enumerate(texts, start=1) if not text), None):
            return {"choices": _("La réponse n° %(n)s est vide : écrivez son texte ou supprimez la ligne.")
                    % {"n": empty}}
        if len(texts) < 2:
            return {"choices": _("Il faut au moins deux réponses, une par ligne.")}
        if kind == Interaction.Kind.SINGLE_CHOICE and (len(right) != 1 or not set(right) <= ids):
            return {"choices": _("Marquez exactement une bonne réponse d'un astérisque (*).")}
        if kind == Interaction.Kind.MULTIPLE_CHOICE and (not right or not set(right) <= ids):
            return {"choices": _("Marquez au moins une bonne réponse d'un astérisque (*).")}
    elif kind == Interaction.Kind.ORDERING:
        order = [str(i) for i in answer_key.get("order") or []]
        if len(texts) < 2 or any(not text for _i, text in texts) or sorted(order) != sorted(i for i, _t in texts):
            return {"choices": _("Il faut au moins deux étapes, chacune avec un titre, pour les remettre dans "
                                 "l'ordre.")}
    elif kind == Interaction.Kind.CLOZE:
        blanks = answer_key.get("blanks") or []
        if not blanks:
            return {"cloze": _("Mettez au moins un mot entre crochets, par exemple [joint].")}
        if any(not [a for a in (b or []) if str(a).strip()] for b in blanks):
            return {"cloze": _("Chaque trou doit contenir au moins une réponse acceptée entre crochets, par "
                               "exemple [joint] : supprimez les crochets vides.")}
    elif kind == Interaction.Kind.HOTSPOT:
        if not answer_key.get("regions"):
            return {"hotspot": _("Tracez la zone à cliquer sur l'image.")}
        if not image:
            return {"hotspot": _("Aucune image clé pour cette étape : choisissez une autre étape.")}
    elif kind == Interaction.Kind.TRUE_FALSE:
        if not isinstance(answer_key.get("correct"), bool):
            return {"true_false": _("Indiquez si l'affirmation est vraie ou fausse.")}
    elif kind == Interaction.Kind.FREE_RECALL:
        if not str(answer_key.get("model_answer") or "").strip():
            return {"model_answer": _("Donnez la réponse attendue, que l'apprenant comparera à la sienne.")}
    return {}


def choices_as_text(interaction: Interaction) -> str:
    """The reverse of parse_choices, to prefill the edit form. Only choice questions have a list of right
    ids: a true/false key is ``{"correct": bool}`` (its form shows radio buttons, not choices)."""
    key = (interaction.answer_key or {}).get("correct")
    correct = {str(i) for i in key} if isinstance(key, list) else set()
    lines = []
    for c in interaction.choices or []:
        line = ("* " if str(c.get("id")) in correct else "") + c.get("text", "")
        if c.get("feedback"):
            line += f" | {c['feedback']}"
        lines.append(line)
    return "\n".join(lines)


def parse_cloze(text: str) -> tuple[str, list[list[str]]]:
    """``Serrer à [12 newtons-mètres|12 N.m]`` -> prompt with ``____`` and accepted answers per blank."""
    blanks: list[list[str]] = []

    def repl(m):
        blanks.append([a.strip() for a in m.group(1).split("|") if a.strip()])
        return BLANK

    return re.sub(r"\[([^\]]+)\]", repl, text or ""), blanks


def cloze_as_text(interaction: Interaction) -> str:
    text = interaction.prompt
    for accepted in (interaction.answer_key or {}).get("blanks", []):
        text = text.replace(BLANK, "[" + "|".join(accepted) + "]", 1)
    return text


def in_capsule_language(capsule: Capsule):
    """What learners read (a default prompt, a default feedback) is written in the capsule's language (its
    footage's commentary), whatever the language of the designer's admin."""
    return translation.override(getattr(capsule.footage, "language", "") or "fr")


def capsule_steps(capsule: Capsule) -> list[Step]:
    return list(capsule.steps().order_by("start"))


_CONTENT_FIELDS = ("kind", "prompt", "step_id", "choices", "answer_key", "image", "feedback_correct",
                   "feedback_wrong", "mandatory", "replay_step_on_wrong", "shuffle_choices", "draft_status")


def _content(inter: Interaction) -> tuple:
    """What the learner gets from a question (and whether it is accepted): compared before and after a save."""
    return tuple(getattr(inter, name) for name in _CONTENT_FIELDS)


def _content_changed(inter: Interaction, before: tuple | None, time_before: float | None) -> bool:
    if before is None:
        return True
    # The time goes through the form's capsule clock and back: a float hair is no move.
    return _content(inter) != before or abs(inter.time - time_before) > 0.005


def apply_interaction_form(
    capsule: Capsule, data: dict, interaction: Interaction | None = None
) -> Interaction:
    """Build (or update) an Interaction of ``capsule`` from the authoring form's fields; raises
    AuthoringError with every problem. The interaction is saved; ``changed`` on it says whether anything the
    learner gets changed (always True for a new one): saving an edit form untouched is no modification for
    the expert to check again (walk 29b)."""
    before = _content(interaction) if interaction is not None else None
    time_before = interaction.time if interaction is not None else None
    step_before = interaction.step_id if interaction is not None else None
    errors: dict[str, str] = {}
    kind = data.get("kind") or (interaction.kind if interaction else "")
    if kind not in KINDS_AUTHORED:
        raise AuthoringError({"kind": _("Choisissez un type d'interaction.")})
    prompt = (data.get("prompt") or "").strip()
    steps = capsule_steps(capsule)
    step = None
    if data.get("step"):
        step = next((s for s in steps if str(s.pk) == str(data["step"])), None)
        if step is None:
            errors["step"] = _("Cette étape n'appartient pas à la capsule.")
    # The form's time counts from the capsule's start (0 .. its length); it is stored on the footage's clock.
    # Left empty with a step chosen, it is that step's end: the learner has just seen the gesture (a default
    # of 0:00 asked before anything was watched). authoring.js writes the same into the field.
    if step is not None and not str(data.get("time") or "").strip():
        time = step_end_time(capsule, step)
    elif not str(data.get("time") or "").strip():
        time = None
        errors["time"] = _("Indiquez l'instant, ou choisissez une étape : la question se placera à sa fin.")
    else:
        time = typed_time(data, "time", errors, _("Instant"))
        if time is not None and not (-TIME_TOLERANCE_S <= time <= capsule_length(capsule) + TIME_TOLERANCE_S):
            errors["time"] = time_range_error(capsule)
            time = None
        elif time is not None:
            time = to_footage_clock(capsule, min(max(time, 0.0), capsule_length(capsule)))
    if step is None and time is not None and not data.get("step"):
        # « (celle qui contient l'instant) »: [start, end), a step's start is its own (walk 38, ``step_at``);
        # a time written to the tenth just before that start is the start (else the learner met it earlier).
        step = learner_steps.step_at(steps, time)
        if step is not None and time < step.start:
            time = step.start

    choices: list[dict] = []
    answer_key: dict = {}
    image = ""
    if kind in (Interaction.Kind.SINGLE_CHOICE, Interaction.Kind.MULTIPLE_CHOICE):
        parsed = parse_choices(data.get("choices", ""))
        choices = [{k: v for k, v in c.items() if k != "correct"} for c in parsed]
        answer_key = {"correct": [c["id"] for c in parsed if c["correct"]]}
    elif kind == Interaction.Kind.TRUE_FALSE:
        answer = data.get("true_false")
        if answer not in ("true", "false"):
            errors["true_false"] = _("Indiquez si l'affirmation est vraie ou fausse.")
        answer_key = {"correct": answer == "true"}
    elif kind == Interaction.Kind.ORDERING:
        if len(steps) < 2:
            errors["kind"] = _("Il faut au moins deux étapes dans la capsule pour les remettre dans l'ordre.")
        with in_capsule_language(capsule):  # what the learner reads: the capsule's language, not the admin's
            choices = [
                {"id": f"s{s.pk}", "text": (s.title or "").strip() or _("Étape %(n)s") % {"n": i + 1},
                 "image": s.keyframe}
                for i, s in enumerate(steps)
            ]
            if not prompt:
                prompt = _("Remettez les étapes dans l'ordre.")
        answer_key = {"order": [c["id"] for c in choices]}
    elif kind == Interaction.Kind.HOTSPOT:
        rect = hotspot_rect(data, errors)
        if rect is not None:
            answer_key = {"regions": [{"rect": [round(v, 4) for v in rect]}]}
        image = (
            data.get("image") or (step.keyframe if step else "") or (interaction.image if interaction else "")
        )
        if not image:
            errors["hotspot"] = _("Aucune image clé pour cette étape : choisissez une autre étape.")
    elif kind == Interaction.Kind.CLOZE:
        prompt, blanks = parse_cloze(data.get("cloze") or prompt)
        answer_key = {"blanks": blanks}
    elif kind == Interaction.Kind.FREE_RECALL:
        answer_key = {"model_answer": (data.get("model_answer") or "").strip()}
    if kind != Interaction.Kind.HOTSPOT and "kind" not in errors:  # the zone's fields are checked above
        for name, said in answer_errors(kind, choices, answer_key).items():
            errors.setdefault(name, said)
    if not prompt:
        errors["prompt"] = _("Écrivez la question ou la consigne.")
    errors.update(
        wrong_feedback_errors(kind, choices, answer_key, (data.get("feedback_wrong") or "").strip())
    )
    for name, said in _length_errors(kind, prompt, choices, data).items():
        errors.setdefault(name, said)
    if errors:
        raise AuthoringError(errors)

    inter = interaction or Interaction(capsule=capsule, origin=Interaction.Origin.DESIGNER)
    inter.kind, inter.time, inter.prompt, inter.step = kind, round(time, 3), prompt, step
    inter.choices, inter.answer_key, inter.image = choices, answer_key, image
    inter.feedback_correct = (data.get("feedback_correct") or "").strip()
    inter.feedback_wrong = (data.get("feedback_wrong") or "").strip()
    if interaction is not None:
        inter.feedback_wrong = moved_replay_moment(capsule, steps, inter.feedback_wrong, (time_before, step_before),
                                                   (inter.time, step.pk if step else None))
    if kind == Interaction.Kind.FREE_RECALL and not inter.feedback_correct:
        with in_capsule_language(capsule):  # the learner's feedback: the capsule's language
            inter.feedback_correct = _("Réponse attendue : %(answer)s") % {"answer": answer_key["model_answer"]}
    inter.mandatory = _bool(data, "mandatory")
    inter.replay_step_on_wrong = _bool(data, "replay_step_on_wrong")
    if "shuffle_choices_shown" in data:  # the box was on the form (unchecked sends nothing)
        inter.shuffle_choices = _bool(data, "shuffle_choices")
    if interaction is not None and interaction.draft_status == Interaction.DraftStatus.PROPOSED:
        inter.draft_status = Interaction.DraftStatus.ACCEPTED  # editing a draft accepts it
    remember_step(inter, capsule)  # saved again: any « step changed » notice goes
    inter.save()
    inter.changed = _content_changed(inter, before, time_before)
    return inter


def _replay_moment(capsule: Capsule, steps: list, time: float | None, step_id: int | None) -> str | None:
    """The m:ss a drafted feedback names for a question at ``time`` on step ``step_id``: where the player's
    « Revoir l'étape » replays it from (``quiz_drafts.replay_start``), on the capsule's clock."""
    if time is None or step_id is None:
        return None
    drafts = [DraftStep(id=s.pk, start=s.start, end=s.end, title="") for s in sorted(steps, key=lambda s: s.start)]
    at = replay_start(DraftQuestion(kind="", time=time, prompt="", answer_key={}, step_id=step_id), drafts)
    return None if at is None else moment_text(max(0.0, at - capsule.start))


def moved_replay_moment(capsule: Capsule, steps: list, feedback: str, was: tuple, now: tuple) -> str:
    """The wrong-answer feedback with the replay time it names moved along with its question (walk 48: a
    drafted question moved from step 2 to step 1 still said « rejouée à partir de 0:08 » while « Revoir
    l'étape » replayed step 1 from 0:00). Only the old step's own replay time is rewritten, where it stands
    alone (not inside another time): what else the designer wrote stays."""
    old, new = _replay_moment(capsule, steps, *was), _replay_moment(capsule, steps, *now)
    if not feedback or old is None or new is None or old == new:
        return feedback
    return re.sub(rf"(?<![\d:]){re.escape(old)}(?![\d:])", new, feedback)


def before_step_warning(interaction: Interaction, capsule: Capsule | None = None) -> dict | None:
    """When a question is timed before the start of the step it asks about, the learner is asked before
    seeing the gesture: a warning in the admin user's language (saving is not refused, a prediction question
    may be wanted) and where « Placer à la fin de l'étape » would put it. Read from the saved question; None otherwise.
    ``message`` is plain text (the step title is the designer's input): templates escape it."""
    step = interaction.step
    if step is None or interaction.time >= step.start - 0.01:
        return None
    capsule = capsule or interaction.capsule
    at = lambda t: capsule_clock_tenths(capsule, t)  # noqa: E731 — the designer reads the capsule's clock
    title = step.title or _("sans titre")
    return {
        "message": _("Cette question apparaît à %(at)s, avant l'étape « %(step)s » qu'elle concerne (début "
                     "%(start)s). L'apprenant n'aura pas encore vu le geste.")
        % {"at": at(interaction.time), "step": title, "start": at(step.start)},
        "step_title": title,
        "step_end": at(step_end_time(capsule, step)),
    }


def step_end_time(capsule: Capsule, step: Step) -> float:
    """The end of ``step`` (footage clock), kept inside the capsule: where a check question usually goes."""
    return round(min(max(step.end, capsule.start), capsule.effective_end), 3)


def place_at_step_end(interaction: Interaction) -> bool:
    """Move the question to the end of the step it asks about (it stays attached to that step); False
    when it has no step."""
    if interaction.step is None:
        return False
    interaction.time = step_end_time(interaction.capsule, interaction.step)
    interaction.save()
    return True


def form_placed_at_step_end(capsule: Capsule, data: dict, interaction: Interaction) -> tuple[dict, Step | None]:
    """« Placer à la fin de l'étape » pressed on the edit screen: the form as typed (its unsaved edits kept),
    its time moved to the end of the step it names (else the saved question's step) and attached to it.
    (data unchanged, None) when there is no such step."""
    step = next((s for s in capsule_steps(capsule) if str(s.pk) == str(data.get("step") or "")), None)
    step = step or interaction.step
    if step is None:
        return data, None
    at = to_capsule_clock(capsule, step_end_time(capsule, step))
    return {**data, "time": f"{at:.3f}".rstrip("0").rstrip("."), "step": str(step.pk)}, step


def step_time_warning(interaction: Interaction) -> str | None:
    """A warning in the admin user's language (the question is saved all the same) when its time lies outside
    the step the designer chose: just after that step's end it stays with it for the learner (loop, step list), further
    away it goes with the step where it lies. None when the time lies in the chosen step (or none chosen)."""
    step = interaction.step
    if step is None or step.start - 0.01 <= interaction.time <= step.end + 0.01:
        return placement_warning(interaction)
    if before := before_step_warning(interaction):
        return before["message"]
    capsule = interaction.capsule
    at = lambda t: capsule_clock_tenths(capsule, t)  # noqa: E731 — the designer reads the capsule's clock
    where = {"at": at(interaction.time), "step": step.title or _("sans titre"), "start": at(step.start),
             "end": at(step.end)}
    if step.end < interaction.time <= step.end + STEP_GRACE_AFTER_END_S:
        return _("L'instant de la question (%(at)s) est en dehors de l'étape choisie « %(step)s » (%(start)s – "
                 "%(end)s). Elle lui reste rattachée : la boucle de l'étape ira jusqu'à elle. Vérifiez que c'est "
                 "voulu.") % where
    return _("L'instant de la question (%(at)s) est en dehors de l'étape choisie « %(step)s » (%(start)s – "
             "%(end)s). Pour l'apprenant, elle comptera avec l'étape où elle tombe : corrigez l'instant ou "
             "l'étape si ce n'est pas voulu.") % where


def placement_warning(interaction: Interaction) -> str | None:
    """A warning (not a refusal, the admin user's language) for a question at 0:00 of a capsule that has steps
    (asked before anything was watched), or outside every step (no step owns it: no loop, no « Revoir l'étape »).
    None when the capsule has no step or the question lies in one after its start."""
    capsule = interaction.capsule
    steps = capsule_steps(capsule)
    if not steps:
        return None
    at = capsule_clock_tenths(capsule, interaction.time)
    if interaction.time <= capsule.start + TIME_TOLERANCE_S:
        return _("Cette question apparaît à %(at)s, avant que l'apprenant ait vu quoi que ce soit : "
                 "placez-la plutôt à la fin de l'étape qu'elle concerne.") % {"at": at}
    if not any(s.start - 0.01 <= interaction.time <= s.end + 0.01 for s in steps):
        return _("Cette question (%(at)s) n'est dans aucune étape : elle ne sera ni rejouée ni rattachée "
                 "à une étape pour l'apprenant. Choisissez l'étape qu'elle concerne.") % {"at": at}
    return None


def wrong_feedback_errors(kind: str, choices: list[dict], answer_key: dict, feedback_wrong: str) -> dict[str, str]:
    """Wrong-answer feedback says what to look at again, never the answer: the feedback for a
    wrong answer, and the feedback of each wrong choice, must not contain a right answer's text
    (accents and case ignored)."""
    answers = answer_texts(kind, choices, answer_key)
    errors = {}
    hit = leaked_answer(feedback_wrong, answers)
    if hit:
        errors["feedback_wrong"] = _(
            "Ce retour donne la réponse (« %(answer)s ») : indiquez plutôt ce qu'il faut revoir "
            "(l'étape à rejouer, le moment de la vidéo)."
        ) % {"answer": hit}
    correct = (answer_key or {}).get("correct")
    right = {str(i) for i in correct} if isinstance(correct, list) else set()
    for c in choices:
        hit = None if str(c.get("id")) in right else leaked_answer(c.get("feedback", ""), answers)
        if hit:
            errors["choices"] = _(
                "Le retour de la réponse fausse « %(choice)s » donne la bonne réponse (« %(answer)s ») : "
                "indiquez plutôt ce qu'il faut revoir."
            ) % {"choice": c.get("text", ""), "answer": hit}
            break
    return errors


ZONE_TO_DRAW = gettext_lazy("La zone de cette question a été placée d'office (là où les mains bougent, ou au centre de "
                "l'image) : presque tout appui sur l'image serait compté juste. Tracez la bonne zone sur "
                "l'image.")


def _same_rect(a, b) -> bool:
    return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and len(a) == len(b) == 4
            and all(abs(float(x) - float(y)) <= 1e-3 for x, y in zip(a, b, strict=True)))


def zone_to_draw(interaction: Interaction) -> bool:
    """A drafted click-zone question whose zone is still the one placed by the drafting (the fixed
    centre box, or the box around the hands' motion up to 60 % x 60 % of the picture): the designer
    has not drawn it. A walk accepted such a question at once and almost any learner's tap was right."""
    if interaction.kind != Interaction.Kind.HOTSPOT or interaction.origin == Interaction.Origin.DESIGNER:
        return False
    placed = [DEFAULT_REGION]
    if interaction.step_id and interaction.step and interaction.step.keyframe_region:
        placed.append(interaction.step.keyframe_region)
    regions = (interaction.answer_key or {}).get("regions") or []
    rects = [r.get("rect") for r in regions if isinstance(r, dict) and "polygon" not in r]
    return len(rects) == len(regions) and all(any(_same_rect(rect, p) for p in placed) for rect in rects)


def set_draft_status(interaction: Interaction, accept: bool, mandatory: bool | None = None) -> None:
    """Accept (keeping the proposal's mandatory flag unless the designer changed it) or discard.
    A proposal whose wrong-answer feedback gives the answer away cannot be accepted as it is, nor a
    click-zone question whose zone the designer has not drawn."""
    if accept and (errors := answer_errors(interaction.kind, interaction.choices or [],
                                           interaction.answer_key or {}, image=interaction.image)):
        raise AuthoringError(errors)
    if accept and zone_to_draw(interaction):
        raise AuthoringError({"answer_key": str(ZONE_TO_DRAW)})
    if accept:
        errors = wrong_feedback_errors(
            interaction.kind, interaction.choices or [], interaction.answer_key or {}, interaction.feedback_wrong
        )
        if errors:
            raise AuthoringError(errors)
    interaction.draft_status = (
        Interaction.DraftStatus.ACCEPTED if accept else Interaction.DraftStatus.DISCARDED
    )
    fields = ["draft_status"]
    if accept:
        remember_step(interaction)
        fields.append("step_seen")
    if accept and mandatory is not None:
        interaction.mandatory = mandatory
        fields.append("mandatory")
    interaction.save(update_fields=fields)
