"""The echo baseline of bench.echo_service for bursts of new connections (bench.bench_cast).

The same nameko `@http` entrypoint, standard `RpcProxy` and broker round trip, but its web
server listens with the gateway's backlog (servicekit.webserver.BackloggedWebServer) instead of
eventlet's 50: beyond that the kernel resets the connections of a 500-request burst, and the
baseline would measure a socket setting rather than nameko. Nothing else of servicekit is used.

    python -m nameko run bench.echo_burst --config echo.yaml
"""

from nameko.rpc import RpcProxy
from nameko.web.handlers import HttpRequestHandler
from servicekit.webserver import BackloggedWebServer

from bench import echo_service

EchoBackend = echo_service.EchoBackend


class BurstHttpRequestHandler(HttpRequestHandler):
    server = BackloggedWebServer()


burst_http = BurstHttpRequestHandler.decorator


class EchoFront:
    name = "echo_front"

    backend = RpcProxy("echo_backend")

    @burst_http("POST", "/echo")
    def echo(self, request):
        return echo_service.EchoFront.echo(self, request)
