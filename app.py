from chalice import Chalice

from chalicelib.handlers import (
    calls,
    chat,
    connect,
    email,
    escalation,
    help,
    help_pages,
    pages,
    privacy,
    reports,
    sms,
    survey,
    tickets,
    timers,
    tours,
    uploads,
    visits,
)
from chalicelib.handlers.middleware import register

app = Chalice(app_name="tenantline")
app.register_blueprint(chat.bp)
app.register_blueprint(tickets.bp)
app.register_blueprint(email.bp)
app.register_blueprint(escalation.bp)
app.register_blueprint(timers.bp)
app.register_blueprint(connect.bp)
app.register_blueprint(privacy.bp)
app.register_blueprint(pages.bp)
app.register_blueprint(uploads.bp)
app.register_blueprint(calls.bp)
app.register_blueprint(survey.bp)
app.register_blueprint(reports.bp)
app.register_blueprint(tours.bp)
app.register_blueprint(sms.bp)
app.register_blueprint(visits.bp)
app.register_blueprint(help.bp)
app.register_blueprint(help_pages.bp)
register(app)
