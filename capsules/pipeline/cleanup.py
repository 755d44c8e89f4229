"""Expire what uploads and stage runs leave behind on local disk.

Abandoned ``.part`` uploads (the browser never came back to finish) and ``run*`` work folders
(emptied after each stage, or left by a run that failed or was cancelled) used to stay forever.
Run by ``manage.py purge_stale_uploads``, by every worker when it starts and then every
``GESTE_PURGE_INTERVAL_S`` seconds (capsules.pipeline.signals), and by the web before it accepts a
new upload (at most once an hour): uploads live on the web's disk, work folders on the workers'.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from capsules.models import PipelineRun
from capsules.pipeline import uploads

log = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    uploads: list[str] = field(default_factory=list)      # upload ids removed
    orphans: list[str] = field(default_factory=list)      # stray files in the uploads folder
    work_dirs: list[str] = field(default_factory=list)    # run folders removed
    freed_bytes: int = 0

    def summary(self) -> str:
        return (f"{len(self.uploads)} téléversement(s) abandonné(s), {len(self.orphans)} fichier(s) orphelin(s), "
                f"{len(self.work_dirs)} dossier(s) de travail supprimé(s) ; {self.freed_bytes} octets libérés.")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def purge_uploads(report: PurgeReport, *, max_age: float, now: float, dry_run: bool = False) -> None:
    """Remove uploads untouched (no chunk, no creation) for ``max_age`` seconds, and stray files."""
    folder = uploads.upload_dir()
    for meta in sorted(folder.glob("*.json")):
        state = uploads.load(meta.stem)
        if state is None:
            continue
        last = max(_mtime(meta), _mtime(state.part_path))
        if now - last <= max_age:
            continue
        size = _size(state.part_path)
        if not dry_run:
            try:
                # Under the upload's lock: a chunk arriving now either lands first (and the
                # upload is kept next time) or finds the upload gone (404).
                with uploads.locked(state):
                    if max(_mtime(meta), _mtime(state.part_path)) != last:
                        continue
                    state.delete()
            except uploads.UploadGone:
                continue
        report.uploads.append(state.id)
        report.freed_bytes += size
    for stray in sorted(folder.iterdir()):
        if stray.suffix not in {".part", ".lock"}:
            continue
        if (folder / f"{stray.stem}.json").exists() or now - _mtime(stray) <= max_age or not stray.is_file():
            continue
        report.freed_bytes += _size(stray)
        report.orphans.append(stray.name)
        if not dry_run:
            stray.unlink(missing_ok=True)


def _remove_empty_dirs(top: Path) -> bool:
    """rmdir every empty folder under ``top`` and ``top`` itself if it ends empty; never a file."""
    for dirpath, _dirs, _files in os.walk(top, topdown=False):
        try:
            os.rmdir(dirpath)
        except OSError:  # not empty (or a stage just created something in it): keep it
            pass
    return not top.exists()


def purge_work_dirs(report: PurgeReport, *, max_age: float, empty_age: float, now: float,
                    dry_run: bool = False) -> None:
    """For runs no longer running (finished, failed, cancelled or deleted): remove their empty ``run*``
    folders older than ``empty_age``, and any left with files for ``max_age``. A running run's folder is
    never touched, even empty."""
    work = Path(settings.GESTE_WORK_DIR)
    if not work.is_dir():
        return
    folders = [p for p in work.iterdir() if p.is_dir() and p.name.startswith("run") and p.name[3:].isdigit()]
    running = set(PipelineRun.objects.filter(pk__in=[int(p.name[3:]) for p in folders],
                                             status=PipelineRun.Status.RUNNING).values_list("pk", flat=True))
    for folder in sorted(folders):
        if int(folder.name[3:]) in running:  # a stage may compute for hours before writing its first file
            continue
        newest = max([_mtime(folder), *(_mtime(p) for p in folder.rglob("*"))])
        age = now - newest
        has_files = any(p.is_file() for p in folder.rglob("*"))
        if not has_files and age > empty_age:
            if dry_run or _remove_empty_dirs(folder):
                report.work_dirs.append(folder.name)
        elif has_files and age > max_age:
            report.freed_bytes += _size(folder)
            report.work_dirs.append(folder.name)
            if not dry_run:
                shutil.rmtree(folder, ignore_errors=True)


def purge_stale(*, max_age: float | None = None, empty_age: float | None = None, now: float | None = None,
                dry_run: bool = False) -> PurgeReport:
    """Everything above, with the settings' ages by default."""
    now = time.time() if now is None else now
    max_age = settings.GESTE_UPLOAD_EXPIRY_S if max_age is None else max_age
    empty_age = settings.GESTE_EMPTY_WORK_DIR_EXPIRY_S if empty_age is None else empty_age
    report = PurgeReport()
    purge_uploads(report, max_age=max_age, now=now, dry_run=dry_run)
    purge_work_dirs(report, max_age=max_age, empty_age=empty_age, now=now, dry_run=dry_run)
    if report.uploads or report.orphans or report.work_dirs:
        log.info("purge_stale_uploads: %s", report.summary())
    return report


_last_web_purge = 0.0


def purge_now_and_then(every: float = 3600.0) -> None:
    """From the web process, before a new upload: at most once per ``every`` seconds, never failing."""
    global _last_web_purge
    if time.monotonic() - _last_web_purge < every and _last_web_purge:
        return
    _last_web_purge = time.monotonic()
    try:
        purge_stale()
    except Exception:  # housekeeping must never refuse an upload
        log.exception("purge of stale uploads failed")
