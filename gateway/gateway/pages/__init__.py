"""The pages residents, deputies and congress staff open on their phones: server-rendered HTML
(Jinja2) served by the gateway itself.

Why in the gateway, not a `web` service of its own: a page is the API seen through a template.
Each page asks the declared API routes in this same worker (pages.api), so its login, limits,
validation, level routing and RPC are the API's own code, not a copy that could disagree; and
a page costs no extra hop, process or deployment per level.

A page is a `Page` declaration in a module of pages.views (found like the API's route
packages); pages.mount turns each into an entrypoint that renders errors as pages, checks the
CSRF token on every form that changes state and sets the security headers (pages.security).
"""
