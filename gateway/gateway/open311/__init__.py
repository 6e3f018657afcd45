"""Open311 GeoReport v2 on the gateway: the same records rendered as JSON or XML (`render`), the
spec's error lists for every refusal (`refusal`), and the form fields a POST sends (`form`).
The routes: gateway.routes.petition.open311."""
