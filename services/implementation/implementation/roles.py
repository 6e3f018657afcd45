"""Who may do what in implementation (the gateway's route sets equal these:
tests/contract/test_gateway_roles.py)."""

# Roles whose acts reach only their department's projects (use_cases.common.require_department);
# their reads cover the area.
DEPARTMENT_SCOPED = frozenset({"department_staff"})
# Government and department staff of the area plan and report; department staff only on the
# projects their department leads or co-handles.
WRITE = frozenset({"government_staff", "department_staff"})
# Finance staff (财政) of the area keep budgets, pools and disbursements, import the treasury's.
FINANCE = frozenset({"finance_staff"})
# Congress staff, supervisors, deputies and evaluators follow every project of their area.
READ = WRITE | FINANCE | frozenset({"admin", "congress_staff", "supervisor", "deputy", "evaluator"})
# Reconciliation reports (voucher numbers, payees): finance, and congress staff for budget
# supervision (预算联网监督); admins.
TREASURY_READ = FINANCE | frozenset({"admin", "congress_staff"})
# The feed's delivery status is operational: finance staff, who requeue a dead record, and admins.
FEED_READ = FINANCE | frozenset({"admin"})
# Warning rules are the city's: one set for every area.
RULES = frozenset({"admin"})
