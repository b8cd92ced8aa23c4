"""The import of past complaints for an administrator: upload a file, see how its columns map,
preview (a dry run: nothing is written), run, and see the failed rows by row and column.

The uploaded file is kept under MEDIA_ROOT/imports/ between the steps, named by a random token
held in the session, so only the person who uploaded it can preview or run it."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tousu.imports import mapping as mappings
from tousu.imports.mapping import FIELDS
from tousu.imports.reading import UnreadableFile, read_table
from tousu.imports.runner import ImportRefused, run_import
from tousu.imports.selectors import importer_unit
from tousu.org.selectors import memberships
from tousu.org.services import current_policy

from .common import staff_required

MAX_BYTES = 20 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")
SESSION = "tousu_import"


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _kept(request) -> tuple[Path, str] | None:
    """The file this person uploaded for import, if it is still there."""
    held = request.session.get(SESSION) or {}
    token, name = held.get("token", ""), held.get("name", "")
    path = _folder() / f"{token}{Path(name).suffix.lower()}"
    return (path, name) if token and path.is_file() else None


@staff_required
def import_page(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    policy = current_policy()
    units = sorted({m.unit for m in memberships(request.user)}, key=lambda u: u.path)
    context = {"kinds": {code: kind.label for code, kind in policy.kinds.items()}, "units": units,
               "fields": FIELDS, "error": "", "outcome": None, "headers": [], "chosen": {}}
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "upload":
        upload = request.FILES.get("file")
        if upload is None or Path(upload.name).suffix.lower() not in SUFFIXES:
            context["error"] = _("Choose an .xlsx or a .csv file.")
            return render(request, "web/import.html", context, status=400)
        if upload.size > MAX_BYTES:
            context["error"] = _("The file is larger than 20 MB: import it with `tousu import`.")
            return render(request, "web/import.html", context, status=400)
        _folder().mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(16)
        with (_folder() / f"{token}{Path(upload.name).suffix.lower()}").open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[SESSION] = {"token": token, "name": Path(upload.name).name[:200]}
        step = "preview"
    if step not in ("preview", "run", "errors"):
        return render(request, "web/import.html", context)
    kept = _kept(request)
    if kept is None:
        context["error"] = _("Upload the file first.")
        return render(request, "web/import.html", context, status=400)
    path, name = kept
    chosen = {field: request.POST.get(f"map_{field}", "") for field in FIELDS if request.POST.get(f"map_{field}")}
    context.update(name=name, chosen=chosen, kind=request.POST.get("kind", ""),
                   unit_code=request.POST.get("unit", ""))
    try:
        headers, rows = read_table(path)
        table_mapping = mappings.load(flags=[f"{f}={h}" for f, h in chosen.items()],
                                      text=request.POST.get("mapping_text", ""))
    except (UnreadableFile, mappings.MappingError) as exc:
        context["error"] = str(exc)
        return render(request, "web/import.html", context, status=400)
    context.update(headers=headers, sample=rows[:5], mapping_text=request.POST.get("mapping_text", ""))
    unit = importer_unit(request.user, context["unit_code"])
    if unit is None:
        context["error"] = _("You are not a member of that unit: add a membership in the admin first.")
        return render(request, "web/import.html", context, status=400)
    try:
        outcome = run_import(headers=headers, rows=rows, source=name, kind=context["kind"], unit=unit,
                             actor=request.user, mapping=table_mapping, dry_run=step != "run")
    except ImportRefused as exc:
        context["error"] = str(exc)
        return render(request, "web/import.html", context, status=400)
    if step == "errors":
        return _errors_csv(outcome, name)
    context.update(outcome=outcome, ran=step == "run", shown_errors=outcome.errors[:200],
                   states=outcome.states.most_common())
    return render(request, "web/import.html", context)


def _errors_csv(outcome, name: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Error")])
    for error in outcome.errors:
        writer.writerow([error.row, error.column, error.message])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{Path(name).stem}.errors.csv"'
    return response
