"""Domain errors. Handlers turn them into HTTP answers; the domain never imports Chalice."""


class TenantlineError(Exception):
    status = 400
    code = "BadRequest"


class Invalid(TenantlineError):
    status, code = 400, "BadRequest"


class TooLarge(TenantlineError):
    status, code = 413, "PayloadTooLarge"


class Unauthorized(TenantlineError):
    status, code = 401, "Unauthorized"


class Forbidden(TenantlineError):
    status, code = 403, "Forbidden"


class NotFound(TenantlineError):
    status, code = 404, "NotFound"


class Conflict(TenantlineError):
    status, code = 409, "Conflict"


class Gone(TenantlineError):
    status, code = 410, "Gone"


class TooMany(TenantlineError):
    status, code = 429, "TooManyRequests"
