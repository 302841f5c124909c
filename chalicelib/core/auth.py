"""Who is calling a staff route, and may they.

In AWS the API Gateway Cognito authorizer has already verified the token and hands us its claims.
On the local twin and in tests there is no Cognito: dev tokens signed with TENANTLINE_DEV_SECRET
stand in for it, and are accepted only where that secret is set."""
from dataclasses import dataclass

from chalicelib.core import settings, signing
from chalicelib.core.errors import Forbidden, NotFound, Unauthorized

ROLES = ("csr", "manager", "admin")
# A higher role can do what a lower one can.
ROLE_RANK = {"csr": 0, "manager": 1, "admin": 2}
# The properties a person works on: a Cognito custom attribute (comma-separated ids, or * for the whole
# portfolio). Without it a CSR or manager sees nothing; an admin sees everything.
PROPERTIES_CLAIM = "custom:properties"


@dataclass(frozen=True)
class Staff:
    username: str
    roles: tuple[str, ...]
    properties: frozenset[str] | None = frozenset()  # None: every property

    def require(self, role: str) -> "Staff":
        if max((ROLE_RANK.get(r, -1) for r in self.roles), default=-1) < ROLE_RANK[role]:
            raise Forbidden(f"this needs the {role} role")
        return self

    def sees(self, property_id: str | None) -> bool:
        return self.properties is None or property_id in self.properties

    def check(self, property_id: str | None, what: str) -> None:
        """Another property's ticket (or message) is not found rather than forbidden: its existence is not
        the caller's business either."""
        if not self.sees(property_id):
            raise NotFound(f"no {what}")

    def only(self, property_id: str | None) -> str | None:
        """The property a report or list is limited to: the one asked for (if it is theirs), else all of
        theirs when that is the whole portfolio, else their one property."""
        if property_id:
            if not self.sees(property_id):
                raise Forbidden(f"{property_id} is not one of your properties")
            return property_id
        if self.properties is None:
            return None
        if len(self.properties) == 1:
            return next(iter(self.properties))
        raise Forbidden("name one of your properties (?property=)")


def _properties(claims: dict, roles: tuple[str, ...]) -> frozenset[str] | None:
    if "admin" in roles:
        return None
    value = claims.get(PROPERTIES_CLAIM) or ""
    ids = frozenset(p.strip() for p in str(value).split(",") if p.strip())
    return None if "*" in ids else ids


def dev_token(role: str = "csr", username: str | None = None, ttl_hours: int = 12, properties: str = "*") -> str:
    secret = settings.dev_auth_secret()
    if not secret:
        raise RuntimeError("TENANTLINE_DEV_SECRET is not set: dev tokens exist only on the local twin")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    claims = {"cognito:username": username or f"dev-{role}", "cognito:groups": [role], "token_use": "id",
              PROPERTIES_CLAIM: properties}
    return signing.sign(claims, secret, ttl_hours * 3600)


def staff_from_request(headers: dict, context: dict) -> Staff:
    token = (headers.get("authorization") or "").strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token:
        raise Unauthorized("a bearer token is required")
    secret = settings.dev_auth_secret()
    if secret:
        claims = signing.verify(token, secret)
    else:
        claims = ((context or {}).get("authorizer") or {}).get("claims")
        if not claims:
            raise Unauthorized("the token was not verified")
    groups = claims.get("cognito:groups") or []
    if isinstance(groups, str):  # API Gateway flattens the list into a string
        groups = [g for g in groups.strip("[]").replace(",", " ").split() if g]
    roles = tuple(groups)
    return Staff(username=claims.get("cognito:username") or claims.get("sub") or "unknown", roles=roles,
                 properties=_properties(claims, roles))
