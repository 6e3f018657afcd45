"""Who may do what in implementation (the gateway's route sets equal these:
tests/contract/test_gateway_roles.py)."""

# Government and department staff of the area plan and report; department staff only on the
# projects their department leads or co-handles (use_cases.common.require_department).
WRITE = frozenset({"government_staff", "department_staff"})
# Roles whose acts are limited to their department's projects; their reads cover the area.
DEPARTMENT_SCOPED = frozenset({"department_staff"})
# Congress staff, supervisors, deputies and evaluators follow every project of their area.
READ = WRITE | frozenset({"admin", "congress_staff", "supervisor", "deputy", "evaluator"})
