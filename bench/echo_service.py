"""The bare-nameko baseline for bench.bench_intake: HTTP in, one RPC over RabbitMQ, JSON out.

Nothing from servicekit on purpose — this is the cost of nameko's own `@http` entrypoint, its
standard `RpcProxy` and a broker round trip, which the gateway -> collection path also pays.
Run both services in one process, like a plain nameko app:

    python -m nameko run bench.echo_service --config echo.yaml
"""

import json

from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http


class EchoBackend:
    name = "echo_backend"

    @rpc
    def echo(self, payload):
        return payload


class EchoFront:
    name = "echo_front"

    backend = RpcProxy("echo_backend")

    @http("POST", "/echo")
    def echo(self, request):
        # Parse the same JSON proposal body the gateway parses, so both pay for decoding it.
        payload = json.loads(request.get_data(as_text=True))
        result = self.backend.echo(payload)
        # 201 like the gateway's proposal route, so one "non-201" counter fits both targets.
        return 201, {"Content-Type": "application/json"}, json.dumps(result, ensure_ascii=False)
