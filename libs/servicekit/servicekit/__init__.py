"""nameko plumbing shared by every service and the gateway. No business rules live here."""
