"""The English catalogue (msgids are French, the project's first language) is complete and in step with
the source: every string marked for translation in capsules/ and cms/ has an English msgstr, none fuzzy.

A new French string without its English translation fails here: run
``manage.py makemessages -l en --ignore=.venv --ignore=frontend --ignore=var --ignore=tests``, fill the
empty msgstr, remove the ``fuzzy`` flags once checked, then ``compilemessages``.

The browser's strings (the player, frontend/src/, and the admin scripts, ``static/**/*.js``) are in the
``djangojs`` domain, locale/en/LC_MESSAGES/djangojs.po: ``manage.py makemessages -l en -d djangojs
--ignore=.venv --ignore=node_modules --ignore=frontend/node_modules --ignore=frontend/dist --ignore=var
--ignore=tests``, same rules (named placeholders ``%(name)s``, see capsules/static/capsules/i18n.js).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
JS_CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"


def statistics(po: Path) -> str:
    done = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
                          capture_output=True, text=True, check=True)
    return done.stderr.strip().splitlines()[-1]


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    for po in (CATALOGUE, JS_CATALOGUE):
        line = statistics(po)
        assert line.endswith("translated messages.") and "fuzzy" not in line and "untranslated" not in line, (po, line)


def test_english_catalogue_covers_every_string_of_the_source(tmp_path, settings, monkeypatch):
    """makemessages run on a copy of the source (the real catalogue untouched) finds nothing new."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.jpg", "*.png", "*.mp4", "*.woff*", "*.jsonld",
                                    "static")
    for package in ("capsules", "cms"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    target = tmp_path / "locale" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    line = statistics(target / "django.po")
    assert "fuzzy" not in line and "untranslated" not in line, (
        f"{line} — strings marked for translation lack an English msgstr (see this module's docstring)")


def test_english_browser_catalogue_covers_every_string_of_the_scripts(tmp_path, settings, monkeypatch):
    """The same for the ``djangojs`` domain: the player's sources and every admin script."""
    ignore = shutil.ignore_patterns("__pycache__", "*.py", "*.html", "*.jpg", "*.png", "*.svg", "*.mp4", "*.woff*",
                                    "*.jsonld", "*.css", "*.txt", "*.json")
    shutil.copytree(ROOT / "capsules", tmp_path / "capsules", ignore=ignore)
    shutil.copytree(ROOT / "cms", tmp_path / "cms", ignore=ignore)
    shutil.copytree(ROOT / "frontend" / "src", tmp_path / "frontend" / "src", ignore=ignore)
    target = tmp_path / "locale" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(JS_CATALOGUE, target / "djangojs.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], domain="djangojs", verbosity=0, no_obsolete=True)
    line = statistics(target / "djangojs.po")
    assert "fuzzy" not in line and "untranslated" not in line, (
        f"{line} — script strings marked for translation lack an English msgstr (see this module's docstring)")
