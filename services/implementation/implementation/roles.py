"""Who may do what in implementation (the gateway's route sets equal these:
tests/contract/test_gateway_roles.py)."""

# Government and department staff of the area plan and report; department staff will be
# limited to the projects their department leads or co-handles once accounts carry one.
WRITE = frozenset({"government_staff", "department_staff"})
# Congress staff, supervisors, deputies and evaluators follow every project of their area.
READ = WRITE | frozenset({"admin", "congress_staff", "supervisor", "deputy", "evaluator"})
