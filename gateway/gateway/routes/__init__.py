"""The HTTP API, one package per part: `core` (login, areas, health, the OpenAPI document,
metrics) and one per service the gateway routes to, named after it. Each package exports
`ROUTES`, a tuple of gateway.table.Route; gateway.table.mount finds the packages, so a new
service's routes are a new package here and nothing else changes."""
