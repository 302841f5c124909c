# Tenantline developer commands. Everything installs what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
SITE = $(shell $(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
PYTEST_ARGS ?=

.PHONY: run test lint unit bench cost deploy deploy-check destroy vendor package clean mutate train-triage triage-report policies web chromium

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c "import sys; assert sys.version_info[:2] >= (3, 11), sys.version" || { echo "need Python 3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

# Node tools (asl-validator) from the lockfile; the twin and lint both validate state machines with it.
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The pages (web/: chat widget, CSR console) bundled by esbuild into chalicelib/web/, which the API serves
# under /app/ and `chalice package` ships.
WEB_STAMP := chalicelib/web/sizes.json
$(WEB_STAMP): $(NODE_STAMP) web/build.mjs $(wildcard web/src/*)
	node web/build.mjs
web: $(WEB_STAMP)

## chromium: Debian's Chromium for the browser tests (Playwright is never allowed to download one)
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

## run: the local twin (moto on MOTO_PORT, default 5000; the API on API_PORT, default 8000)
run: $(STAMP) $(NODE_STAMP) $(WEB_STAMP)
	$(BIN)/python manage.py run

## test: deploy-check (lint, package, policies), then every test (unit, in-process moto, and the twin started as `make run` starts it)
test: deploy-check $(WEB_STAMP) chromium
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_ARGS)

## unit: the pure-logic tests only (no AWS)
unit: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest -q -m "not integration and not server" $(PYTEST_ARGS)

# checkov in its own venv: its pins would fight the app's.
CHECKOV := .venv-checkov/bin/checkov
$(CHECKOV):
	@test -x .venv-checkov/bin/python || $(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet checkov==3.3.30

## lint: ruff on the code; cfn-lint and checkov on every template and on the `chalice package` output
## (each skip is inline with its reason); asl-validator on every state machine as deployed; every Connect
## flow against the flow-language reference (connect_flows/flow_language.json)
lint: $(STAMP) $(NODE_STAMP) $(CHECKOV) package
	$(BIN)/ruff check .
	$(BIN)/cfn-lint infra/*.yaml build/package/sam.yaml
	$(CHECKOV) --quiet --compact --skip-download --framework cloudformation -d infra
	$(CHECKOV) --quiet --compact --skip-download --framework cloudformation -f build/package/sam.yaml
	$(BIN)/python -m twin.asl_check
	$(BIN)/python -m connect_flows.language

## bench: performance figures (package size against its budget, import/cold-start ratios, triage throughput)
bench: $(STAMP) package
	$(BIN)/python bench/run.py
	STORM=$(or $(STORM),300) $(BIN)/python bench/storm.py
	@echo "pages bundle sizes (bytes; streams.js loads only beside a Connect CCP):" && cat $(WEB_STAMP) && echo

## cost: Tenantline's own AWS cost per 1,000 contacts and per idle month, from requests counted on the twin
## (bench/cost.py; CONTACTS=60 by default), with Connect telephony and SMS shown apart
cost: $(STAMP)
	CONTACTS=$(or $(CONTACTS),60) $(BIN)/python -m bench.cost

## train-triage: retrain the triage classifiers (deterministic) into chalicelib/rules/models/triage.json.gz,
## then print the dev split's figures. scikit-learn trains in its own venv: the Lambda never needs it.
TRAIN_PACKAGES := scikit-learn==1.9.1 scipy==1.17.1 numpy==1.26.4 snowballstemmer==3.1.1
train-triage: $(STAMP)
	@test -x .venv-train/bin/python || $(PYTHON) -m venv .venv-train
	@.venv-train/bin/python -c "import sklearn, snowballstemmer" 2>/dev/null || .venv-train/bin/python -m pip install --quiet $(TRAIN_PACKAGES)
	.venv-train/bin/python triage_model/train.py
	$(BIN)/python -m triage_model.evaluate dev

## triage-report: triage's figures on the frozen final split (SPLIT=holdout, test, dev or train for the others)
triage-report: $(STAMP)
	$(BIN)/python -m triage_model.evaluate $(or $(SPLIT),final)

## vendor: PynamoDB without its dependencies (the Lambda runtime already has botocore), holidays with the
## portfolio's countries only (infra/package.py)
vendor: $(STAMP)
	$(BIN)/python -m infra.package vendor

## policies: each Lambda's IAM policy and the Powertools layer for your account and region (ACCOUNT=… REGION=… [STAGE=prod])
policies: $(STAMP)
	$(BIN)/python -m infra.policies --stage $(or $(STAGE),prod) --region $(or $(REGION),us-east-1) --account $(or $(ACCOUNT),123456789012)

## package: the deployable CloudFormation package in build/ (no AWS account needed)
package: $(STAMP) vendor $(WEB_STAMP)
	rm -rf build/package
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(BIN)/chalice package --stage prod --pkg-format cloudformation --template-format yaml --merge-template .chalice/package-merge.yaml build/package
	$(BIN)/python -m infra.package check build/package/deployment.zip

## deploy-check: every check a deploy makes that needs no AWS account (lint: cfn-lint, checkov, asl-validator,
## the flow language; the package and its budget; each function's policy within IAM's size limit)
deploy-check: lint
	$(BIN)/python -m infra.policies --check

## deploy: create or update STAGE in order (stateful stack, SES rule set, the app, delivery guarantees,
## Connect), showing each change set first and refusing data loss (infra/deploy.sh, deploy/<stage>.env)
deploy: $(STAMP) $(NODE_STAMP)
	STAGE=$(or $(STAGE),prod) infra/deploy.sh

## destroy: take STAGE down; refused while its tables or mail bucket hold data unless FORCE=1
destroy: $(STAMP)
	STAGE=$(STAGE) $(BIN)/python -m infra.destroy

## mutate: mutation testing (mutmut, in a copy under mutants/) of the pure rules and the ticket store's write path
mutate: $(STAMP)
	@$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/python -m pip install --quiet mutmut==3.8.1
	set -f; $(BIN)/mutmut run --max-children 2 $$($(BIN)/python mutation/report.py --selection)
	$(BIN)/python mutation/report.py

clean:
	rm -rf $(VENV) .venv-train .venv-checkov node_modules vendor build .pytest_cache .hypothesis
