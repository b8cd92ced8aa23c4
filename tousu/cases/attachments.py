"""What a file attached to a case may be: checked here once for the portal, the staff pages
and the actions. The file's first bytes decide its type (never its name or the browser's
word); the name's extension must agree. Limits come from settings:
TOUSU_ATTACHMENT_MAX_FILES (5) and TOUSU_ATTACHMENT_MAX_BYTES (5 MB)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from .errors import InvalidInput

DEFAULT_MAX_FILES = 5
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Extension -> the content type its bytes must show.
ALLOWED = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".pdf": "application/pdf",
}
TYPES = frozenset(ALLOWED.values())
ACCEPT = ",".join(sorted(TYPES | set(ALLOWED)))  # for <input type=file accept=...>


def max_files() -> int:
    return int(getattr(settings, "TOUSU_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


def max_bytes() -> int:
    return int(getattr(settings, "TOUSU_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> str:
    """The content type the file's first bytes say, or ''."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return ""


@dataclass(frozen=True)
class Checked:
    """An upload that passed: the file object, its plain name, sniffed type and size."""

    file: object
    name: str
    content_type: str
    size: int


class BadFiles(InvalidInput):
    """One or more files refused; `problems` holds one message per problem."""

    def __init__(self, problems: list[str], field: str = "attachments"):
        super().__init__(" ".join(str(p) for p in problems), field=field)
        self.problems = problems


def size_text(size: int) -> str:
    """5242880 -> "5 MB", 1572864 -> "1.5 MB", 300000 -> "293 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(size // 1024, 1)} KB"


def help_text() -> str:
    return _("Up to %(count)d files, %(size)s each: JPEG, PNG, GIF, WebP images or PDF.") % {
        "count": max_files(), "size": size_text(max_bytes())}


help_text_lazy = lazy(help_text, str)


def check(files, field: str = "attachments") -> list[Checked]:
    """The files as Checked, or BadFiles naming every one that is too large or not an allowed
    type (and too many files, if so). Reads only each file's first bytes."""
    files = [f for f in (files or []) if f]
    if len(files) > max_files():
        raise BadFiles([_("Attach at most %(count)d files.") % {"count": max_files()}], field)
    checked, problems = [], []
    for upload in files:
        name = PurePath(str(getattr(upload, "name", "") or "")).name[:200] or "file"
        expected = ALLOWED.get(PurePath(name).suffix.lower())
        upload.seek(0)
        actual = sniff(upload.read(16))
        upload.seek(0)
        size = upload.size
        if size > max_bytes():
            problems.append(_("“%(name)s” is larger than %(size)s.") % {
                "name": name, "size": size_text(max_bytes())})
        elif not expected or actual != expected:
            problems.append(_("“%(name)s” is not a JPEG, PNG, GIF, WebP image or a PDF.") % {"name": name})
        else:
            checked.append(Checked(upload, name, actual, size))
    if problems:
        raise BadFiles(problems, field)
    return checked


# --- the form field every page with files uses ----------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, checked by `check` (the form shows every problem, then
    `refused_note` if given)."""

    def __init__(self, *args, refused_note=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", help_text_lazy())
        super().__init__(*args, **kwargs)
        self.refused_note = refused_note

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        try:
            check(files)
        except BadFiles as bad:
            raise forms.ValidationError(
                bad.problems + ([self.refused_note] if self.refused_note else [])) from None
        return files


@contextmanager
def kept_only_on_success():
    """Yield a list the caller adds stored files to; if anything fails before the block ends
    (the transaction rolls back with it), delete them again: no orphan files on disk."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for field_file in stored:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                pass
        raise


def store(case, checked: list, *, actor, source: str, now, stored: list) -> list[str]:
    """Save checked files as the case's attachments; returns their original names."""
    from .models import Attachment

    names = []
    for item in checked:
        attachment = Attachment(case=case, original_name=item.name, content_type=item.content_type,
                                size=item.size, source=source, uploaded_by=actor, uploaded_at=now)
        item.file.seek(0)
        attachment.file.save(item.name, item.file, save=False)
        stored.append(attachment.file)
        attachment.save()
        names.append(item.name)
    return names


def with_names(note: str, names: list[str]) -> str:
    """An event's note with the names of the files it stored on a line of its own."""
    if not names:
        return note
    line = _("Attachments: %(names)s") % {"names": ", ".join(names)}
    return f"{note}\n{line}" if note else line
