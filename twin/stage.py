"""The environment a Chalice stage gives its Lambdas, read from .chalice/config.json."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "AWS_ACCOUNT_ID": "123456789012"}


def stage_environment(stage: str) -> dict:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    env = dict(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    return env


def twin_environment(stage: str = "local", endpoint: str | None = None) -> dict:
    env = dict(FAKE_AWS, **stage_environment(stage))
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return env
