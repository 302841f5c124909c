"""Escalation: policies resolved into Step Functions executions that page until a human acknowledges."""
