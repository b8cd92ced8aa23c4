"""The preset's paper registers (客户意见簿, 意见登记簿): a page per month and its xlsx."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import registers as books
from ..xlsx import XLSX
from .common import staff_only


def _register(code: str) -> books.Register:
    found = books.registers().get(code)
    if found is None:
        raise Http404
    return found


@require_GET
@staff_only
def register_list(request):
    return render(request, "quality/registers.html", {"registers": list(books.registers().values())})


@require_GET
@staff_only
def register_page(request, code: str):
    register = _register(code)
    month, lines = books.rows(request.user, register, month=request.GET.get("month", ""))
    return render(request, "quality/register.html", {
        "register": register, "month": month, "columns": books.columns(), "lines": lines,
        "registers": list(books.registers().values())})


@require_GET
@staff_only
def register_xlsx(request, code: str):
    register = _register(code)
    month, lines = books.rows(request.user, register, month=request.GET.get("month", ""))
    response = HttpResponse(books.workbook(register, month, lines), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="register-{register.code}-{month}.xlsx"'
    return response
