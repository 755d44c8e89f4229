"""Run with Ralph's own Python: validate xAPI statements (JSON array on stdin) against Ralph's
pydantic models (``ralph.models.xapi``, video profile included); prints one result per statement.

Statements that claim the video profile (its IRI in context.contextActivities.category) must pass
the video-profile model Ralph selects for them; the others (a download of the offline bundle) are
checked against Ralph's generic xAPI statement model.
Ralph has no model for a cmi.interaction "answered" (its selector picks a virtual-classroom poll,
another profile): those are checked against Ralph's generic xAPI statement model instead."""

import json
import sys

from pydantic import ValidationError
from ralph.exceptions import UnknownEventException
from ralph.models.selector import ModelSelector
from ralph.models.xapi.base.statements import BaseXapiStatement

PROFILE = "https://w3id.org/xapi/video"

selector = ModelSelector(module="ralph.models.xapi")
results = []
for statement in json.load(sys.stdin):
    categories = statement.get("context", {}).get("contextActivities", {}).get("category", [])
    on_video = any(c.get("id") == PROFILE for c in categories)
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
