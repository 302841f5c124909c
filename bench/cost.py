"""`make cost`: what Tenantline costs per 1,000 contacts and when idle, from requests measured on the twin.

The AWS requests each kind of contact makes are counted by playing a small storm through the real entry
points (bench/storm.py). Lambda time, log volume and what a state machine does per execution are estimates
written below. Prices are AWS list prices for us-east-1, written once here with the date they were taken.
Connect telephony and SMS are shown apart: they pass through at cost whatever back end answers the phone."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PRICES_AS_OF = "2026-11 (us-east-1 list prices; DynamoDB on-demand after its November 2024 reduction)"
PRICES = {
    "lambda_request": 0.20 / 1e6, "lambda_gb_second": 0.0000166667,
    "api_request": 3.50 / 1e6,  # API Gateway REST API
    "dynamodb_wru": 0.625 / 1e6, "dynamodb_rru": 0.125 / 1e6,
    "sfn_transition": 0.025 / 1000,  # Standard workflows
    "ses_sent": 0.10 / 1000, "ses_received": 0.10 / 1000, "ses_received_chunk": 0.09 / 1000,
    "s3_put": 0.005 / 1000, "s3_get": 0.0004 / 1000,
    "logs_gb": 0.50,
    # passed through at cost (not Tenantline's own): Connect voice usage and US inbound DID minutes, SMS pages
    "connect_voice_minute": 0.018, "connect_did_minute": 0.0022, "sms_us": 0.00581 + 0.0030,
    # the idle month
    "alarm_month": 0.10, "did_day": 0.03,
    # the link-signing key: a standard SSM SecureString under aws/ssm, no monthly charge (infra/link_secret.py);
    # KMS requests to decrypt it: the first 20,000 a month free, and each Lambda container caches it 10 minutes
    "parameter_month": 0.0,
}
MIX = {"call": 0.50, "chat": 0.30, "email": 0.20}
CALL_MINUTES, EMERGENCY_SHARE, PEOPLE_PAGED = 4, 0.05, 2
# Estimates per contact, beyond the counted AWS requests: Lambda invocations and their time (memory in GB),
# state transitions per started execution, log volume.
LAMBDA = {"chat": [(2, 0.25, 0.128)], "email": [(1, 0.6, 1.0)],
          "call": [(6, 0.15, 0.128), (4, 0.05, 0.128)]}  # (invocations, seconds each, GB)
TRANSITIONS = {"timer": 4, "escalation": 24}  # an escalation paging 2 people over two rounds, then acknowledged
LOG_KB_PER_INVOCATION = 1.5
ANSWERING_SERVICE = (175, 470)  # a small portfolio's answering service, per month


def per_contact(kind: str, requests: dict[str, float]) -> dict[str, float]:
    """Tenantline's own cost of one contact of this kind, by service."""
    r = lambda op: requests.get(op, 0.0)  # noqa: E731 - a lookup, read as such
    # Capacity units from the sizes of the items each request wrote or read (bench/capacity.py, counted by the storm)
    writes, reads = r("dynamodb:units.write"), r("dynamodb:units.read")
    lambdas = LAMBDA[kind]
    invocations = sum(n for n, _s, _gb in lambdas)
    started = r("stepfunctions:StartExecution")
    cost = {
        "dynamodb": writes * PRICES["dynamodb_wru"] + reads * PRICES["dynamodb_rru"],
        "lambda": sum(n * (PRICES["lambda_request"] + s * gb * PRICES["lambda_gb_second"]) for n, s, gb in lambdas),
        "api_gateway": (2 if kind == "chat" else 0) * PRICES["api_request"],
        "step_functions": started * TRANSITIONS["timer"] * PRICES["sfn_transition"],
        "ses": (r("ses:SendRawEmail") + r("ses:SendEmail")) * PRICES["ses_sent"]
        + (PRICES["ses_received"] + PRICES["ses_received_chunk"] if kind == "email" else 0),
        # An email's PutObject is the receipt rule storing it (the twin plays SES through the same client): counted
        # here once, not again with SES's own charges.
        "s3": r("s3:PutObject") * PRICES["s3_put"] + r("s3:GetObject") * PRICES["s3_get"],
        "logs": invocations * LOG_KB_PER_INVOCATION / 1024 / 1024 * PRICES["logs_gb"],
    }
    return cost


def per_thousand(requests: dict[str, dict[str, float]]) -> tuple[dict[str, float], dict[str, float]]:
    own: dict[str, float] = {}
    for kind, share in MIX.items():
        for service, dollars in per_contact(kind, requests.get(kind, {})).items():
            own[service] = own.get(service, 0.0) + 1000 * share * dollars
    emergencies = 1000 * EMERGENCY_SHARE
    own["step_functions"] += emergencies * TRANSITIONS["escalation"] * PRICES["sfn_transition"]
    calls = 1000 * MIX["call"]
    passed = {"connect_voice": calls * CALL_MINUTES * (PRICES["connect_voice_minute"] + PRICES["connect_did_minute"]),
              "sms_pages": emergencies * PEOPLE_PAGED * PRICES["sms_us"]}
    return own, passed


def idle_month(alarms: int = 7, numbers: int = 2) -> dict[str, float]:
    return {"link-signing key (SSM standard SecureString)": PRICES["parameter_month"],
            "cloudwatch_alarms (free for the first 10)": max(0, alarms - 10) * PRICES["alarm_month"],
            "lambda, API Gateway, DynamoDB on-demand, Step Functions, SES, S3 (pay per use)": 0.0,
            "phone numbers (Connect DIDs, pass-through)": numbers * PRICES["did_day"] * 30}


def main() -> None:
    from bench import storm
    measured = storm.run(int(os.environ.get("CONTACTS", "60")))
    own, passed = per_thousand(measured["requests_per_contact"])
    print(f"cost per 1,000 contacts ({int(MIX['call'] * 100)}% calls of {CALL_MINUTES} min, "
          f"{int(MIX['chat'] * 100)}% chats, {int(MIX['email'] * 100)}% emails, {int(EMERGENCY_SHARE * 100)}% "
          f"emergencies paging {PEOPLE_PAGED} people); prices {PRICES_AS_OF}:")
    for service, dollars in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"  {service:16} ${dollars:8.4f}")
    print(f"  {'Tenantline':16} ${sum(own.values()):8.4f}  (its own AWS bill)")
    for item, dollars in passed.items():
        print(f"  {item:16} ${dollars:8.2f}  (passed through)")
    idle = idle_month()
    print("idle month, no contacts:")
    for item, dollars in idle.items():
        print(f"  ${dollars:6.2f}  {item}")
    beyond = sum(v for k, v in idle.items() if "phone numbers" not in k)
    print(f"  ${beyond:6.2f}  beyond the phone numbers and the user pool (target $0.00)")
    low, high = ANSWERING_SERVICE
    print(f"an answering service for a small portfolio: ${low}-{high} a month; Tenantline at 1,000 contacts a month: "
          f"${sum(own.values()) + beyond:.2f} plus ${sum(passed.values()):.2f} of telephony and SMS at cost")


if __name__ == "__main__":
    main()
