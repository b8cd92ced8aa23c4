"""The NinjaAPI: token auth on every endpoint, JSON errors, OpenAPI at /api/openapi.json and
the docs at /api/docs (served from the installed package: no CDN)."""

from . import errors
from .action_schemas import TousuAPI
from .auth import TokenAuth
from .docs import OfflineSwagger
from .routers import actions, cases, kinds

api = TousuAPI(
    title="Tousu API",
    version="1",
    description=(
        "Complaint handling. Authenticate with `Authorization: Bearer <token>` (a token comes from "
        "`tousu api-token USERNAME` or the admin). Errors are `{\"detail\": ..., \"field\": ...}`. "
        "Every change goes through the same actions as the staff pages; case events are sent to "
        "webhook subscriptions, signed with `X-Tousu-Signature`: the HMAC-SHA256 hex, with the "
        "subscription's secret, of `X-Tousu-Timestamp` (Unix seconds), a dot and the body. A "
        "receiver refuses a timestamp more than five minutes from its clock (a replay) and drops a "
        "repeated payload `id` (a retry)."),
    urls_namespace="api",
    auth=TokenAuth(),
    docs=OfflineSwagger(),
)
errors.install(api)
api.add_router("/cases", cases.router)
api.add_router("/cases", actions.router)
api.add_router("/kinds", kinds.router)
