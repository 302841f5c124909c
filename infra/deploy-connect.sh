#!/usr/bin/env bash
# The Amazon Connect side of a stage, after `chalice deploy` (the flows call its connect_contact Lambda):
# renders the template from the live portfolio, deploys it, points each phone number at the inbound flow
# (CloudFormation has no resource for that association) and tells each property its hours of operation.
#
#   STAGE=prod INSTANCE_ARN=arn:aws:connect:... BOT_ALIAS_ARN=arn:aws:lex:... \
#   PHONE_NUMBER_IDS="id1 id2" infra/deploy-connect.sh
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=${STAGE:-prod}
: "${INSTANCE_ARN:?set INSTANCE_ARN to the Connect instance ARN}"
: "${BOT_ALIAS_ARN:?set BOT_ALIAS_ARN to the describe-the-problem Lex V2 bot alias ARN}"
STACK="tenantline-$STAGE-connect"
mkdir -p build
TENANTLINE_STAGE=$STAGE python manage.py connect template --live > build/connect.yaml
aws cloudformation deploy --stack-name "$STACK" --template-file build/connect.yaml \
    --parameter-overrides Stage="$STAGE" InstanceArn="$INSTANCE_ARN" DescribeBotAliasArn="$BOT_ALIAS_ARN"
FLOW_ARN=$(aws cloudformation describe-stacks --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='InboundFlowArn'].OutputValue" --output text)
for number in ${PHONE_NUMBER_IDS:-}; do
    aws connect associate-phone-number-contact-flow --phone-number-id "$number" \
        --instance-id "${INSTANCE_ARN##*/}" --contact-flow-id "${FLOW_ARN##*/}"
done
TENANTLINE_STAGE=$STAGE python manage.py connect link --stack "$STACK"
