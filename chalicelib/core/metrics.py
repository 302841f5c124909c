"""CloudWatch metrics in the embedded metric format (powertools), namespace Tenantline, dimension Stage
(and Property where one applies). Nothing is called per metric: the log line is the metric. The template's
dashboard and alarms (infra/template.yaml) read these names."""
from __future__ import annotations

from chalicelib.core import settings

NAMESPACE = "Tenantline"
UNITS = {"%": "Percent", "seconds": "Seconds", "minutes": "Count", "points": "Count"}


def put(name: str, value: float, unit: str = "Count", property_id: str | None = None, portfolio: bool = True) -> None:
    """One value: with the stage alone (the portfolio; what the alarms watch) and/or per property."""
    from aws_lambda_powertools.metrics import single_metric  # noqa: PLC0415 - off the cold-start path

    sets = ([{"Stage": settings.STAGE}] if portfolio else []) + \
        ([{"Stage": settings.STAGE, "Property": property_id}] if property_id else [])
    for dimensions in sets:
        # The context manager writes the EMF line to stdout on exit.
        with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE, default_dimensions=dimensions):
            pass


def kpis(entries: list[dict], property_id: str | None) -> None:
    """Each KPI that has a value, as `kpi_<key>`; scope Property=<id> or the portfolio (Stage only)."""
    for e in entries:
        if e["value"] is not None:
            put(f"kpi_{e['key']}", float(e["value"]), UNITS.get(e["unit"], "Count"), property_id,
                portfolio=property_id is None)
