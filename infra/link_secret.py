"""The stage's link-signing key as an SSM Parameter Store SecureString: `python -m infra.link_secret STAGE`.

Why not Secrets Manager: a secret there costs $0.40 a month whether or not anyone calls, and an idle stage
should cost nothing. A standard SecureString parameter under the AWS managed key (aws/ssm) has no monthly
charge. CloudFormation cannot create SecureString parameters, so `make deploy` (infra/deploy.sh) and the twin
(twin/provision.py) both call ensure() here: it creates the key once, from the operating system's random
source, and never overwrites it (rotating it would void every acknowledgement link already sent)."""
from __future__ import annotations

import secrets
import sys

LENGTH = 48


def name(stage: str) -> str:
    return f"tenantline-{stage}-link-secret"


def ensure(ssm, stage: str) -> bool:
    """Create the stage's key if it is missing; True when this call created it."""
    try:
        ssm.put_parameter(Name=name(stage), Type="SecureString", Value=secrets.token_urlsafe(LENGTH)[:LENGTH],
                          Description="HMAC key for the acknowledgement links in emergency pages", Tier="Standard",
                          Overwrite=False)
        return True
    except ssm.exceptions.ParameterAlreadyExists:
        return False


def remove(ssm, stage: str) -> None:
    try:
        ssm.delete_parameter(Name=name(stage))
    except ssm.exceptions.ParameterNotFound:
        pass


def main(argv: list[str]) -> int:
    import boto3

    stage = argv[0] if argv else sys.exit("usage: python -m infra.link_secret STAGE")
    made = ensure(boto3.client("ssm"), stage)
    print(f"{name(stage)}: {'created' if made else 'kept as it was'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
