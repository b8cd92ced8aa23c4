from django.contrib.auth.decorators import login_required
from django.http import Http404

from tousu.org.selectors import is_staff_member


def staff_only(view):
    """Logged in (else to the login page) and a member of staff (else 404: the portal's people
    and strangers learn nothing)."""
    @login_required(login_url="login")
    def wrapped(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
