"""The KPI report (staff): GET /reports/kpis?from=&to=&property=&format=csv."""
from chalice import Blueprint, Response

from chalicelib.core import metrics
from chalicelib.core.errors import Invalid
from chalicelib.handlers.http import api, day_param, now, query_params, staff
from chalicelib.handlers.tickets import authorizer

bp = Blueprint(__name__)


@bp.route("/reports/kpis", methods=["GET"], authorizer=authorizer, cors=True)
@api
def kpi_report_route():
    """Every KPI with its target and met/missed, beside the previous period of the same length. By default
    this month so far. A report whose period includes today also emits its KPIs as CloudWatch metrics."""
    from chalicelib.tickets import kpi_report

    request = bp.current_request
    who = staff(request)
    params = query_params(request)
    fmt = params.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Invalid("format must be json or csv")
    as_of = now(request)
    start, end = kpi_report.period(day_param(params.get("from")), day_param(params.get("to")), as_of.date())
    result = kpi_report.report(start, end, who.only(params.get("property") or None), as_of)
    if end >= as_of.date():
        metrics.kpis(result["kpis"], result["property"])
    if fmt == "csv":
        name = f"kpis-{result['property'] or 'portfolio'}-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(body=kpi_report.as_csv(result), status_code=200,
                        headers={"Content-Type": "text/csv; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="{name}"'})
    return result


@bp.route("/reports/leasing", methods=["GET"], authorizer=authorizer, cors=True)
@api
def leasing_report_route():
    """Leads by source, median time to first response, tours booked, show rate and the share that applied
    (tickets/leasing_report.py). By default this month so far."""
    from chalicelib.tickets import kpi_report, leasing_report

    request = bp.current_request
    who = staff(request)
    params = query_params(request)
    as_of = now(request)
    start, end = kpi_report.period(day_param(params.get("from")), day_param(params.get("to")), as_of.date())
    return leasing_report.report(start, end, who.only(params.get("property") or None))
