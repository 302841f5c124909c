"""Names and knobs read from the environment (set per stage in .chalice/config.json).

Every AWS resource is named `tenantline-<stage>-<name>`, the same rule infra/template.yaml uses,
so the Lambdas, the template and the local twin agree without passing ARNs around.
"""
import os

STAGE = os.environ.get("TENANTLINE_STAGE", "local")
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def resource_name(name: str, stage: str | None = None) -> str:
    return f"tenantline-{stage or STAGE}-{name}"


def table_name(name: str) -> str:
    return os.environ.get(f"{name.upper().replace('-', '_')}_TABLE") or resource_name(name)


def topic_arn(name: str) -> str:
    account = os.environ.get("AWS_ACCOUNT_ID", "123456789012")
    return f"arn:aws:sns:{REGION}:{account}:{resource_name(name)}"


def dev_auth_secret() -> str | None:
    """Only the local twin and tests set this; in AWS the Cognito authorizer verifies tokens."""
    return os.environ.get("TENANTLINE_DEV_SECRET") or None


def demo_mode() -> bool:
    """Only the local twin and tests run in demo mode: there a contact may carry the time it happened at
    (X-Tenantline-Time, or a simulated call's attribute) so a demo can play 2 a.m. on a holiday."""
    return os.environ.get("TENANTLINE_DEMO_MODE") == "1"


MAX_CHAT_MESSAGE_BYTES = 4096
CHAT_SESSION_TTL_HOURS = int(os.environ.get("CHAT_SESSION_TTL_HOURS", "72"))
# Per-client limits on the public chat routes (tickets/limits.py); API Gateway throttles the whole API too.
CHAT_SESSIONS_PER_CLIENT_HOUR = int(os.environ.get("CHAT_SESSIONS_PER_CLIENT_HOUR", "60"))
CHAT_MESSAGES_PER_SESSION_MINUTE = int(os.environ.get("CHAT_MESSAGES_PER_SESSION_MINUTE", "20"))


def mail_bucket() -> str:
    return os.environ.get("RAW_MAIL_BUCKET") or \
        f"{resource_name('raw-mail')}-{os.environ.get('AWS_ACCOUNT_ID', '123456789012')}"


REOPEN_WINDOW_DAYS = int(os.environ.get("REOPEN_WINDOW_DAYS", "14"))
AUTO_REPLIES_PER_SENDER_HOUR = int(os.environ.get("AUTO_REPLIES_PER_SENDER_HOUR", "3"))
MAX_ATTACHMENTS = int(os.environ.get("MAX_ATTACHMENTS", "10"))
MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", str(25 * 1024 * 1024)))
MAX_RAW_MAIL_BYTES = int(os.environ.get("MAX_RAW_MAIL_BYTES", str(40 * 1024 * 1024)))  # SES accepts up to 40 MB
# A closed ticket's messages are deleted (DynamoDB TTL) this many days after it closes (tickets/retention.py).
MESSAGE_RETENTION_DAYS = int(os.environ.get("MESSAGE_RETENTION_DAYS", "730"))
MAX_MAIL_TEXT_CHARS = 30_000  # of a body on the thread, far below DynamoDB's 400 KB item


def time_scale() -> float:
    """How long a policy minute really lasts, as a fraction (the twin runs 1 minute as 1 second: 1/60).
    Only Step Functions waits are scaled; everything the resident or staff read is in real policy time."""
    return float(os.environ.get("TENANTLINE_TIME_SCALE", "1"))


def public_api_url() -> str:
    return os.environ.get("PUBLIC_API_URL", "http://127.0.0.1:8000").rstrip("/")


def account_id() -> str:
    return os.environ.get("AWS_ACCOUNT_ID", "123456789012")


def state_machine_arn(name: str) -> str:
    return f"arn:aws:states:{REGION}:{account_id()}:stateMachine:{resource_name(name)}"


ACK_LINK_HOURS = int(os.environ.get("ACK_LINK_HOURS", "24"))
