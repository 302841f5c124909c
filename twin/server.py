"""Start and stop the whole twin in one process: moto (with Step Functions execution), the
provisioned resources, the real handlers behind Lambda, the demo data and `chalice local`."""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field

from twin.stage import ROOT, twin_environment

log = logging.getLogger("twin")


class TwinError(RuntimeError):
    pass


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def moto_config() -> dict:
    return {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def configure_environment(moto_port: int, stage: str, api_port: int | None = None) -> None:
    scale = os.environ.get("TENANTLINE_TIME_SCALE")  # a caller's own time scale wins over the stage's
    os.environ.update(twin_environment(stage, endpoint=f"http://127.0.0.1:{moto_port}"))
    if scale:
        os.environ["TENANTLINE_TIME_SCALE"] = scale
    if api_port:
        os.environ["PUBLIC_API_URL"] = f"http://127.0.0.1:{api_port}"  # where acknowledgement links point
    # State machines call back into moto on MOTO_PORT (otherwise 5000) for their service tasks.
    os.environ["MOTO_PORT"] = str(moto_port)


def robust_local_authorizer() -> None:
    """chalice local reads a Cognito token's claims unverified and crashes on a token that is not a JWT;
    let such a request through to the app, which verifies (and refuses) it itself."""
    from chalice.local import LocalGatewayAuthorizer

    original = LocalGatewayAuthorizer._decode_jwt_payload
    if getattr(original, "_twin", False):
        return

    def decode(self, jwt):
        try:
            return original(self, jwt)
        except Exception:
            return {}
    decode._twin = True
    LocalGatewayAuthorizer._decode_jwt_payload = decode


def load_app(stage: str):
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(str(ROOT), environ=os.environ)
    config = factory.create_config_obj(chalice_stage_name=stage)
    return factory.load_chalice_app(), config


@dataclass
class Twin:
    moto_port: int
    api_port: int | None
    stage: str
    session: object
    app: object
    resources: dict
    _servers: list = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def api_url(self) -> str | None:
        return f"http://127.0.0.1:{self.api_port}" if self.api_port else None

    def stop(self) -> None:
        stop_executions(self.session)
        for stop in reversed(self._servers):
            try:
                stop()
            except Exception:  # already gone: nothing left to stop
                pass
        self._servers.clear()


def stop_executions(session) -> None:
    """Executions outlive their callers in moto; stop them so nothing keeps running."""
    try:
        sfn = session.client("stepfunctions")
        for machine in sfn.list_state_machines()["stateMachines"]:
            for ex in sfn.list_executions(stateMachineArn=machine["stateMachineArn"],
                                          statusFilter="RUNNING")["executions"]:
                sfn.stop_execution(executionArn=ex["executionArn"], cause="twin stopped")
    except Exception as exc:  # the server may already be down
        log.debug("could not stop executions: %s", exc)


def start(moto_port: int = 5000, api_port: int | None = 8000, stage: str = "local") -> Twin:
    for port in filter(None, (moto_port, api_port)):
        if not port_free(port):
            raise TwinError(f"port {port} on 127.0.0.1 is in use (is a twin already running? stop it with Ctrl-C, "
                            f"or pick other ports with MOTO_PORT / API_PORT)")
    configure_environment(moto_port, stage, api_port)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from moto.core.config import default_user_config
    from moto.server import ThreadedMotoServer

    from twin import console

    default_user_config.update(moto_config())
    console.install()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    twin = None
    try:
        twin = _provisioned(moto_port, api_port, stage)
        twin._servers.append(moto.stop)
        if api_port:
            _serve_api(twin)
        return twin
    except BaseException:
        if twin:
            twin.stop()
        moto.stop()
        raise


def forget_connections() -> None:
    """Drop the clients and PynamoDB connections made before the twin set its endpoint, so the next call
    reaches the twin."""
    from chalicelib.core import aws
    from chalicelib.models import ALL_MODELS

    aws.client.cache_clear()
    for model in ALL_MODELS:
        model._connection = None
        for index in getattr(model, "_indexes", {}).values():
            index._connection = None


def _provisioned(moto_port: int, api_port: int | None, stage: str) -> Twin:
    import boto3

    from twin import lambdas, provision, seed, sms

    session = boto3.Session(region_name=os.environ["AWS_DEFAULT_REGION"])
    resources = provision.provision(session, stage)
    sms.install(session, stage, delivery_events=True)  # the running twin plays the carriers' receipts too
    forget_connections()
    app, _config = load_app(stage)
    lambdas.install(app, stage)
    lambdas.register(session, app, stage)
    resources.update(seed.seed(session))
    return Twin(moto_port, api_port, stage, session, app, resources)


def _serve_api(twin: Twin) -> None:
    from chalice.local import create_local_server

    robust_local_authorizer()
    _app, config = load_app(twin.stage)
    server = create_local_server(twin.app, config, "127.0.0.1", twin.api_port)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="chalice-local")
    thread.start()

    def stop():
        server.server.shutdown()
        server.server.server_close()
    twin._servers.append(stop)
