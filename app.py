from chalice import Chalice

from chalicelib.handlers import chat, connect, email, escalation, reports, survey, tickets, timers
from chalicelib.handlers.middleware import register

app = Chalice(app_name="tenantline")
app.register_blueprint(chat.bp)
app.register_blueprint(tickets.bp)
app.register_blueprint(email.bp)
app.register_blueprint(escalation.bp)
app.register_blueprint(timers.bp)
app.register_blueprint(connect.bp)
app.register_blueprint(survey.bp)
app.register_blueprint(reports.bp)
register(app)
