"""The SCORM 1.2 package in a (fake) LMS: the launcher finds ``window.API`` in the LMS page, embeds
Geste's relay for the capsule, and the learner's completion and score, recorded on Geste through
the learner API, reach the LMS through ``LMSSetValue`` + ``LMSCommit``; closing the SCO calls
``LMSFinish``. The LMS page is served by a plain HTTP server on another origin of the same site
(localhost, another port), as Moodle on moodle.univ.fr beside Geste on geste.univ.fr."""

from __future__ import annotations

import functools
import io
import json
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from capsules.interop import scorm
from capsules.interop.course import skills_block_course
from capsules.learning import delivery
from tests import factories, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A minimal SCORM 1.2 runtime, as an LMS provides it: every call logged, values kept.
FAKE_API = """
window.lmsLog = [];
window.lmsData = {"cmi.core.lesson_status": "not attempted"};
function call(name, args, result) { window.lmsLog.push([name].concat(args)); return result; }
window.API = {
  LMSInitialize: function (a) { return call("LMSInitialize", [a], "true"); },
  LMSFinish: function (a) { return call("LMSFinish", [a], "true"); },
  LMSGetValue: function (k) { call("LMSGetValue", [k], ""); return window.lmsData[k] || ""; },
  LMSSetValue: function (k, v) { window.lmsData[k] = v; return call("LMSSetValue", [k, v], "true"); },
  LMSCommit: function (a) { return call("LMSCommit", [a], "true"); },
  LMSGetLastError: function () { return "0"; },
  LMSGetErrorString: function () { return ""; },
  LMSGetDiagnostic: function () { return ""; }
};
"""
LMS_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>LMS</title>
<script src="fake_api.js"></script></head>
<body><h1>Cours Moodle</h1><iframe id="sco" src="capsule-001.html" style="width:900px;height:600px"></iframe>
</body></html>"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def lms_server(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://localhost:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def world(django_db_serialized_rollback, transactional_db, storage_root):
    """The data migrations' rows (home page, groups) come back after each transactional test."""


def check_without_lms_or_session(browser, lms_url: str) -> None:
    """Outside an LMS the launcher says so; an anonymous learner is asked to log in to Geste."""
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    page.goto(f"{lms_url}/capsule-001.html")
    relay = page.frame_locator("#geste-frame")
    relay.locator("#geste-relay-login").wait_for(timeout=15000)
    assert "Se connecter" in relay.locator("#geste-relay-login").inner_text()
    status = page.locator("#geste-status")
    status.filter(has_text="Connectez-vous à Geste").wait_for(timeout=15000)
    assert status.inner_text().startswith("Plateforme SCORM introuvable")
    ctx.close()


def test_scorm_launcher_reports_completion_and_score(world, live_server, browser, lms_server):
    folder, lms_url = lms_server
    capsule = factories.CapsuleFactory(footage=factories.FootageFactory(duration=20.0), title="Remplacer un joint")
    question = factories.InteractionFactory(capsule=capsule, time=5.0, mandatory=True)
    pages.capsule_page(capsule)
    with zipfile.ZipFile(io.BytesIO(scorm.package(skills_block_course(capsule.skills_block, live_server.url)))) as z:
        z.extractall(folder)
    (folder / "fake_api.js").write_text(FAKE_API)
    (folder / "lms.html").write_text(LMS_PAGE)
    check_without_lms_or_session(browser, lms_url)

    learner = factories.learner()
    client = Client()
    client.force_login(learner)
    ctx = browser.new_context(locale="fr-FR")
    ctx.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{lms_url}/lms.html")

    sco = page.frame_locator("#sco")
    sco.locator("#geste-status").filter(has_text="Progression : 0\u00a0% regardé").wait_for(timeout=15000)
    relay = sco.frame_locator("#geste-frame")
    assert relay.locator("h1").inner_text() == "Remplacer un joint"
    data = page.evaluate("window.lmsData")
    assert data["cmi.core.lesson_status"] == "incomplete" and data["cmi.core.score.raw"] == "0"
    assert page.evaluate("window.lmsLog")[0] == ["LMSInitialize", ""]

    # The learner answers right and watches to the end on Geste (the real learner API).
    # the learner API speaks this learner's opaque choice ids (capsules/learning/delivery.py)
    response = delivery.response_to_public(question, {"choice": "a"}, delivery.audience_for(learner))
    answer = client.post(reverse("learner-answer", args=[question.pk]), json.dumps({"response": response}),
                         content_type="application/json").json()
    assert answer["correct"] is True
    done = client.post(reverse("learner-progress", args=[capsule.pk]),
                       json.dumps({"position": 20, "watched": [[0, 20]]}), content_type="application/json").json()
    assert done["completed"] is True

    page.wait_for_function("window.lmsData['cmi.core.lesson_status'] === 'completed'", timeout=15000)
    data = page.evaluate("window.lmsData")
    assert data["cmi.core.score.raw"] == "100"
    assert (data["cmi.core.score.min"], data["cmi.core.score.max"]) == ("0", "100")
    log = page.evaluate("window.lmsLog")
    completed_at = log.index(["LMSSetValue", "cmi.core.lesson_status", "completed"])
    assert ["LMSCommit", ""] in log[completed_at:]
    assert "terminée" in sco.locator("#geste-status").inner_text()

    page.evaluate("document.getElementById('sco').remove()")  # the learner leaves the SCO
    page.wait_for_function("window.lmsLog.some(c => c[0] === 'LMSFinish')", timeout=5000)
    assert errors == []
    ctx.close()
