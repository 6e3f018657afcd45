"""Who may call each implementation route: the union of what the service accepts
(implementation.roles), so the gateway never refuses what the service would accept.
tests/contract/test_gateway_roles.py keeps the sets equal."""

WRITE = frozenset({"government_staff", "department_staff"})
FINANCE = frozenset({"finance_staff"})  # budgets, pools, disbursements, treasury imports
READ = WRITE | FINANCE | frozenset({"admin", "congress_staff", "supervisor", "deputy", "evaluator"})
# reconciliation reports: finance, congress staff (budget supervision), admins
TREASURY_READ = FINANCE | frozenset({"admin", "congress_staff"})
FEED_READ = FINANCE | frozenset({"admin"})  # the budget feed's delivery status
RULES = frozenset({"admin"})  # the city's warning rules
CALENDAR = frozenset({"admin"})  # the national working-day calendar's override table
SETTINGS = frozenset({"government_staff"})  # an area's tolerance, flags, deadlines, reminders
