"""Saved filters of the work list: a person names the list they are looking at (tab, filters,
sort) and finds it again as a link above the list. Only the query is kept; the list it opens
is read through the same scoped selectors as any other."""

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..models import SavedFilter
from .common import staff_required

MAX_PER_PERSON = 30
KEPT = frozenset({"tab", "sort", *selectors.FILTERS})  # what a saved filter may hold


def _clean_query(raw: str) -> str:
    """The work list's own parameters from `raw`, nothing else (no page number)."""
    return urlencode([(k, v) for k, v in parse_qsl(raw.lstrip("?"))[:50] if k in KEPT and v][:20])


def saved_for(user) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user)[:MAX_PER_PERSON])


@staff_required
@require_POST
def save_filter(request):
    name = " ".join(request.POST.get("name", "").split())[:60]
    query = _clean_query(request.POST.get("query", ""))
    back = f"{reverse('web:my_work')}?{query}" if query else reverse("web:my_work")
    if not name:
        messages.error(request, _("Give the filter a name."))
        return redirect(back)
    if SavedFilter.objects.filter(user=request.user).count() >= MAX_PER_PERSON:
        messages.error(request, _("You have %(n)d saved filters; delete one first.") % {"n": MAX_PER_PERSON})
        return redirect(back)
    try:
        with transaction.atomic():
            SavedFilter.objects.create(user=request.user, name=name, query=query)
    except IntegrityError:
        messages.error(request, _("You already have a filter named “%(name)s”.") % {"name": name})
        return redirect(back)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": name})
    return redirect(back)


@staff_required
@require_POST
def delete_filter(request, filter_id: int):
    found = get_object_or_404(SavedFilter, pk=filter_id, user=request.user)  # another's is not found
    found.delete()
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": found.name})
    return redirect("web:my_work")
