"""The gateway: HTTP/JSON in front of the services. It translates and checks; it never decides."""
