"""Route groups of the gateway, one mixin per part of the API; each module also lists how
its routes are documented (`DOCS`)."""
