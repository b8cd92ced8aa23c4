from django.contrib.auth.decorators import login_required

staff_required = login_required(login_url="login")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
