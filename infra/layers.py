"""The official Powertools for AWS Lambda (Python) layer: Powertools v3 with its extras, pydantic v2 among
them, published by AWS in every region. The Lambdas take both from it instead of carrying them in the zip.

The version is the layer's own number, not Powertools' (the layer's description names the Powertools
release it carries: `aws lambda get-layer-version-by-arn --arn …`). Keep it on the release pinned in
requirements-dev.txt when you move either."""
POWERTOOLS = "arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:{version}"
POWERTOOLS_VERSION = 23


def powertools(region: str) -> str:
    return POWERTOOLS.format(region=region, version=POWERTOOLS_VERSION)
