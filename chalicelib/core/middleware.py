"""Structured logs for every entry point (powertools Logger through Chalice middleware)."""
import time

from aws_lambda_powertools import Logger

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
        if getattr(event, "context", None) is not None:
            logger.set_correlation_id(getattr(event.context, "aws_request_id", None))
        return get_response(event)
