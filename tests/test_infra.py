"""Declarations stay the single source of truth: templates lint clean, the models match the tables the
template declares, the twin provisions exactly those, and the app packages for CloudFormation."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from chalicelib.models import ALL_MODELS
from twin import provision

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "infra").glob("*.yaml"))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_templates_pass_cfn_lint(template):
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "cfn-lint"), str(template)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def declared_tables(stage="test"):
    return {p["TableName"]: p for _logical, kind, p in provision.resources(stage, "us-east-1")
            if kind == "AWS::DynamoDB::Table"}


def test_models_match_the_declared_tables():
    tables = declared_tables()
    for model in ALL_MODELS:
        props = tables[model.Meta.table_name]
        keys = {k["AttributeName"]: k["KeyType"] for k in props["KeySchema"]}
        model_keys = {name: "HASH" if attr.is_hash_key else "RANGE"
                      for name, attr in model.get_attributes().items() if attr.is_hash_key or attr.is_range_key}
        assert keys == model_keys, model.__name__
        declared = {g["IndexName"]: {k["AttributeName"] for k in g["KeySchema"]}
                    for g in props.get("GlobalSecondaryIndexes", [])}
        for index in getattr(model, "_indexes", {}).values():
            index_keys = {name for name, a in index.Meta.attributes.items() if a.is_hash_key or a.is_range_key}
            assert declared[index.Meta.index_name] == index_keys, index.Meta.index_name


def test_tables_are_on_demand_recoverable_encrypted():
    for name, props in declared_tables("prod").items():
        assert props["BillingMode"] == "PAY_PER_REQUEST", name
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], name
        assert props["SSESpecification"]["SSEEnabled"], name


@pytest.mark.integration
def test_twin_has_exactly_the_declared_tables(aws):
    client = aws.client("dynamodb")
    assert sorted(client.list_tables()["TableNames"]) == sorted(declared_tables())
    for name, props in declared_tables().items():
        live = client.describe_table(TableName=name)["Table"]
        assert live["KeySchema"] == props["KeySchema"]
        assert sorted(g["IndexName"] for g in live.get("GlobalSecondaryIndexes", [])) == \
            sorted(g["IndexName"] for g in props.get("GlobalSecondaryIndexes", []))


def test_chalice_packages_offline_with_vendored_pynamodb(tmp_path):
    subprocess.run(["make", "-s", "vendor"], cwd=ROOT, check=True, capture_output=True)
    out = tmp_path / "package"
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "chalice"), "package", "--stage", "prod",
                             "--pkg-format", "cloudformation", "--template-format", "yaml", str(out)],
                            cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.returncode == 0, result.stdout + result.stderr
    names = zipfile.ZipFile(out / "deployment.zip").namelist()
    assert any(n.startswith("pynamodb/") for n in names) and any(n.startswith("chalicelib/") for n in names)
    assert not any(n.startswith("botocore/") for n in names), "botocore comes with the Lambda runtime"
    assert not any(n.startswith(("twin/", "tests/")) for n in names)
    template = (out / "sam.yaml").read_text()
    assert "cognito_user_pools" in template
    # Every function runs with its own least-privilege policy (infra/policies.py), never one chalice generated.
    import re

    import yaml

    from infra import policies
    resources = yaml.safe_load(template)["Resources"]
    roles = {re.sub(r"(?<!^)([A-Z])", r"_\1", name.removesuffix("Role")).lower(): r for name, r in resources.items()
             if r["Type"] == "AWS::IAM::Role"}
    functions = [r for r in resources.values() if r["Type"] == "AWS::Serverless::Function"]
    assert set(roles) == set(policies.FUNCTIONS) and len(functions) == len(roles)
    for name, role in roles.items():
        wanted = policies.policy(name, **policies.EXAMPLE)
        assert [p["PolicyDocument"] for p in role["Properties"]["Policies"]] == [wanted], name
    from infra import package
    assert package.check(out / "deployment.zip") == 0  # within the budget, after trimming
    _runs_on_the_lambda_runtime_alone(out / "deployment.zip", tmp_path)


# What the Lambda runtime and the Powertools layer provide; everything else must be in the zip.
RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3", "six.py", "dateutil", "aws_lambda_powertools",
           "pydantic", "pydantic_core", "typing_extensions.py", "annotated_types", "typing_inspection")


def _runs_on_the_lambda_runtime_alone(zip_path, tmp_path):
    """The trimmed zip imports the app and every module of chalicelib (the routes import theirs when first
    called, so importing the app alone would not show one missing), and answers with the same holidays as the
    full package, triage's model and the phone library that is imported only when a number is given."""
    import sysconfig
    code, runtime = tmp_path / "code", tmp_path / "runtime"
    zipfile.ZipFile(zip_path).extractall(code)
    runtime.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for name in RUNTIME:
        if (site / name).exists():
            (runtime / name).symlink_to(site / name)
    script = ("import app, chalicelib, holidays, importlib, json, pkgutil; "
              "[importlib.import_module(m.name) for m in pkgutil.walk_packages(chalicelib.__path__, 'chalicelib.')]; "
              "from chalicelib.rules.triage import triage; from chalicelib.rules.addresses import normalize_phone; "
              "print(json.dumps([holidays.__file__, sorted(str(d) for d in holidays.country_holidays("
              "'US', subdiv='NY', years=2026)), triage('water pouring from the ceiling').urgency, "
              "normalize_phone('(212) 555-0100')]))")
    result = subprocess.run([sys.executable, "-S", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{code}:{runtime}", "TENANTLINE_STAGE": "prod",
                                 "AWS_DEFAULT_REGION": "us-east-1"})
    assert result.returncode == 0, result.stderr
    where, days, urgency, phone = json.loads(result.stdout)
    import holidays
    assert where.startswith(str(code)) and urgency == "emergency" and phone == "+12125550100"
    assert days == sorted(str(d) for d in holidays.country_holidays("US", subdiv="NY", years=2026))


def test_every_checkov_skip_names_its_reason():
    """make lint runs checkov on every template and on the chalice package; a finding is fixed or skipped
    inline, and a skip without a reason would hide a finding nobody decided on."""
    import yaml
    skips = []
    for path in [*sorted((ROOT / "infra").glob("*.yaml")), ROOT / ".chalice" / "package-merge.yaml"]:
        text = path.read_text()
        if "checkov" not in text:
            continue
        doc = yaml.safe_load(text.replace("!Sub", "").replace("!Ref", "").replace("!GetAtt", "").replace("!Join", "")
                             .replace("!Select", "").replace("!If", "").replace("!Equals", "").replace("!Not", ""))
        for name, res in (doc.get("Resources") or {}).items():
            skips += [(path.name, name, s) for s in ((res.get("Metadata") or {}).get("checkov") or {}).get("skip", [])]
    assert len(skips) >= 39
    assert all(s["id"].startswith("CKV_") and len(s.get("comment", "")) > 30 for _p, _n, s in skips), skips


def test_each_function_has_only_what_it_needs_on_named_resources():
    """The committed policy files are the table's rendering; no ARN leaves its region or account open; only
    the functions that text (paging, answers, tour messages) can text a phone; the public API can neither text
    nor page nor start an escalation."""
    from infra import policies
    for name, document in policies.render(**policies.EXAMPLE).items():
        assert json.loads((ROOT / ".chalice" / name).read_text()) == document, f"run python -m infra.policies ({name})"
    def allowed(function):
        return {(a, r) for s in policies.policy(function, **policies.EXAMPLE)["Statement"]
                for a in s["Action"] for r in s.get("Resource", ["NOT " + s.get("NotResource", "")])}
    for function in policies.FUNCTIONS:
        for _action, resource in allowed(function):
            if not resource.startswith("NOT ") and not resource.startswith("arn:aws:s3:::"):
                assert resource.split(":")[3:5] == ["us-east-1", "123456789012"], (function, resource)
    texting = {f for f in policies.FUNCTIONS if any(a == "sms-voice:SendTextMessage" for a, _r in allowed(f))}
    assert texting == {"connect_contact", "sla_clock", "inbound_sms", "tour_reminder"}
    api = {a for a, _r in allowed("api_handler")}
    assert "sns:Publish" not in api and "sms-voice:SendTextMessage" not in api and "states:StartExecution" in api
    assert not any("escalation" in r for a, r in allowed("api_handler") if a == "states:StartExecution")
    assert not any(r.endswith("/inbound/*") for a, r in allowed("api_handler") if a == "s3:PutObject")
