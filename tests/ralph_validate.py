"""Run with Ralph's own Python: validate xAPI statements (JSON array on stdin) against Ralph's
pydantic models (``ralph.models.xapi``, video profile included); prints one result per statement.

Statements on a video (object type video) must pass the video-profile model Ralph selects for them.
Ralph has no model for a cmi.interaction "answered" (its selector picks a virtual-classroom poll,
another profile): those are checked against Ralph's generic xAPI statement model instead."""

import json
import sys

from pydantic import ValidationError
from ralph.exceptions import UnknownEventException
from ralph.models.selector import ModelSelector
from ralph.models.xapi.base.statements import BaseXapiStatement

VIDEO = "https://w3id.org/xapi/video/activity-type/video"

selector = ModelSelector(module="ralph.models.xapi")
results = []
for statement in json.load(sys.stdin):
    on_video = statement.get("object", {}).get("definition", {}).get("type") == VIDEO
    try:
        model = selector.get_first_model(statement)
    except UnknownEventException:
        model = None
    if not on_video:
        model = BaseXapiStatement
    elif model is None:
        results.append({"id": statement.get("id"), "model": None, "error": "aucun modèle Ralph"})
        continue
    try:
        model(**statement)
        results.append({"id": statement.get("id"), "model": model.__name__, "error": None})
    except ValidationError as exc:
        results.append({"id": statement.get("id"), "model": model.__name__, "error": str(exc)})
json.dump(results, sys.stdout)
