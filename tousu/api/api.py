"""The NinjaAPI: token auth on every endpoint, JSON errors, OpenAPI at /api/openapi.json and
the docs at /api/docs (served from the installed package: no CDN)."""

from . import errors
from .action_schemas import TousuAPI
from .auth import TokenAuth
from .docs import OfflineSwagger
from .routers import actions, cases, kinds, lookups

api = TousuAPI(
    title="Tousu API",
    version="1",
    description=(
        "Complaint handling. Authenticate with `Authorization: Bearer <token>` (a token comes from "
        "`tousu api-token USERNAME` or the admin). Creating a case (`POST /api/cases`) needs an "
        "`Idempotency-Key` header, unique per complaint, so a retry never registers it twice. "
        "Errors are `{\"detail\": ..., \"field\": ...}` in the language of `Accept-Language` "
        "(Simplified Chinese by default, English with `Accept-Language: en`). "
        "Lookups: `GET /api/units`, `/api/categories`, `/api/people` give the codes and usernames "
        "the other endpoints take. "
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
api.add_router("", lookups.router)
