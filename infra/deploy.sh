#!/usr/bin/env bash
# `make deploy STAGE=prod`: create or update a stage in order, idempotently, showing each stack's changes
# before running them and stopping on any that would replace or remove a resource holding data
# (infra/changes.py). Settings come from the environment or from deploy/<stage>.env:
#
#   INBOX_DOMAINS=maplecourt.example,sunsetvillas.example   the domains SES receives for (MX at SES)
#   MANAGER_ALARM_EMAILS=ops@example.com                    who the alarms write to
#   INSTANCE_ARN=… BOT_ALIAS_ARN=… PHONE_NUMBER_IDS="…"     optional: Amazon Connect (infra/deploy-connect.sh)
#   PUBLIC_API_URL=https://…/api                            optional: where links point (else the API's own URL)
#
# Needs the AWS CLI with credentials for the target account, and what `make test` needs.
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=${STAGE:?set STAGE, e.g. prod}
[ -f "deploy/$STAGE.env" ] && . "deploy/$STAGE.env"
: "${INBOX_DOMAINS:?set INBOX_DOMAINS (comma-separated) in the environment or deploy/$STAGE.env}"
: "${MANAGER_ALARM_EMAILS:?set MANAGER_ALARM_EMAILS in the environment or deploy/$STAGE.env}"
PY=.venv/bin/python
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
REGION=${AWS_REGION:-$(aws configure get region)}
ARTIFACTS="tenantline-$STAGE-artifacts-$ACCOUNT"
echo "deploying stage $STAGE to account $ACCOUNT in $REGION"

# 1. Everything that can be checked without AWS (lint, package and its budget, policies).
make deploy-check

# A stack through a reviewed change set: create it, print it, refuse data loss, then run it.
stack() {
    local name=$1 template=$2; shift 2
    local set="deploy-$(date +%Y%m%d%H%M%S)"
    local type=UPDATE
    aws cloudformation describe-stacks --stack-name "$name" >/dev/null 2>&1 || type=CREATE
    aws cloudformation create-change-set --stack-name "$name" --change-set-name "$set" --change-set-type "$type" \
        --template-body "file://$template" --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
        --parameters "$@" >/dev/null
    if ! aws cloudformation wait change-set-create-complete --stack-name "$name" --change-set-name "$set"; then
        reason=$(aws cloudformation describe-change-set --stack-name "$name" --change-set-name "$set" \
            --query StatusReason --output text)
        aws cloudformation delete-change-set --stack-name "$name" --change-set-name "$set"
        case "$reason" in *"didn't contain changes"*|*"No updates"*) echo "$name: up to date"; return 0;; esac
        echo "$name: $reason" >&2; return 1
    fi
    aws cloudformation describe-change-set --stack-name "$name" --change-set-name "$set" --output json \
        | $PY -m infra.changes || { aws cloudformation delete-change-set --stack-name "$name" \
        --change-set-name "$set"; return 1; }
    aws cloudformation execute-change-set --stack-name "$name" --change-set-name "$set"
    aws cloudformation wait "stack-${type,,}-complete" --stack-name "$name"
}
output() { aws cloudformation describe-stacks --stack-name "$1" --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text; }

# 2. The stateful stack (tables, mail bucket, topics, user pool, state machines). Its state
#    machine definitions are local files: package them into the stage's artifact bucket first.
aws s3api head-bucket --bucket "$ARTIFACTS" 2>/dev/null || aws s3 mb "s3://$ARTIFACTS" --region "$REGION"
aws cloudformation package --template-file infra/template.yaml --s3-bucket "$ARTIFACTS" \
    --output-template-file build/template.packaged.yaml >/dev/null
stack "tenantline-$STAGE" build/template.packaged.yaml ParameterKey=Stage,ParameterValue="$STAGE" \
    "ParameterKey=InboxDomains,ParameterValue=\"$INBOX_DOMAINS\""

# 2b. The link-signing key, an SSM SecureString made once and never overwritten (infra/link_secret.py).
$PY -m infra.link_secret "$STAGE"

# 3. SES receives through the stage's rule set (CloudFormation cannot make a rule set active).
aws ses set-active-receipt-rule-set --rule-set-name "tenantline-$STAGE-inbound"

# 4. The Chalice app: each function's policy and the Powertools layer for this account and region, the
#    user pool from step 2, then `chalice deploy`.
make policies STAGE="$STAGE" ACCOUNT="$ACCOUNT" REGION="$REGION"
POOL=$(output "tenantline-$STAGE" CsrUserPoolArn) PUBLIC_API_URL=${PUBLIC_API_URL:-} STAGE=$STAGE $PY - <<'EOF'
import json, os
from pathlib import Path
path = Path(".chalice/config.json")
config = json.loads(path.read_text())
env = config["stages"].setdefault(os.environ["STAGE"], {}).setdefault("environment_variables", {})
env.update(TENANTLINE_STAGE=os.environ["STAGE"], CSR_USER_POOL_ARN=os.environ["POOL"])
if os.environ.get("PUBLIC_API_URL"):
    env["PUBLIC_API_URL"] = os.environ["PUBLIC_API_URL"]
path.write_text(json.dumps(config, indent=2) + "\n")
EOF
make vendor web
.venv/bin/chalice deploy --stage "$STAGE"

# 5. Delivery guarantees that name the deployed functions: the stream mapping, on-failure destinations,
#    the dead-letter queue, the alarms.
stack "tenantline-$STAGE-reliability" infra/reliability.yaml ParameterKey=Stage,ParameterValue="$STAGE" \
    "ParameterKey=ManagerAlarmEmails,ParameterValue=\"$MANAGER_ALARM_EMAILS\""

# 6. Amazon Connect, when this stage has an instance.
if [ -n "${INSTANCE_ARN:-}" ]; then
    STAGE=$STAGE INSTANCE_ARN=$INSTANCE_ARN BOT_ALIAS_ARN=${BOT_ALIAS_ARN:?set BOT_ALIAS_ARN with INSTANCE_ARN} \
        PHONE_NUMBER_IDS=${PHONE_NUMBER_IDS:-} infra/deploy-connect.sh
fi
echo "stage $STAGE deployed"
