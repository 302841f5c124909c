"""What wraps every entry point (Chalice middleware): structured logs (powertools Logger), and one read of
each property per invocation."""
import time

from aws_lambda_powertools import Logger

from chalicelib.core import secrets, settings

logger = Logger(service="tenantline")


def register(app) -> None:
    @app.middleware("http")
    def log_request(event, get_response):
        started = time.perf_counter()
        response = get_response(event)
        level = logger.warning if response.status_code >= 400 else logger.info
        level("request", extra={"method": event.method, "path": event.path, "status": response.status_code,
                                "ms": round((time.perf_counter() - started) * 1000, 1)})
        return response

    @app.middleware("all")
    def lambda_context(event, get_response):
        from chalicelib.tickets import portfolio

        if getattr(event, "context", None) is not None:
            logger.set_correlation_id(getattr(event.context, "aws_request_id", None))
        if not settings.demo_mode():
            secrets.link_secret()  # a deployed stage refuses to run on a missing or placeholder secret (cached)
        with portfolio.one_read_per_property():
            return get_response(event)
