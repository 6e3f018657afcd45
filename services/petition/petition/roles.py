"""Who may do what in petition (the gateway's route sets equal these:
tests/contract/test_gateway_roles.py). The finer rules — a deputy acts on the matters they are
on, department staff on those routed to their department — are the use cases'."""

DEPUTY = "deputy"
DEPARTMENT = "department_staff"
# Congress staff (人大常委会工作机构) keep the deputies, the stations and the time limits.
KEEP = frozenset({"admin", "congress_staff"})
# Whoever works with deputies reads their profiles and the stations.
READ = KEEP | frozenset({"government_staff", "department_staff", "deputy", "supervisor"})
# Matters entered by a deputy (visits, 庭院会, 板凳会, 代表赶大集) or at a station.
ENTER = frozenset({"deputy", "congress_staff"})
# Accept, tier, route, report up, extend, resolve, return visit, reopen, convert: the deputies on
# the matter and congress staff of its handling area; department staff resolve what was routed
# to their department.
ACT = frozenset({"deputy", "congress_staff"})
RESOLVE = ACT | frozenset({DEPARTMENT})
ACT_ANY = ACT | RESOLVE
# Matters: staff of the area and below, deputies and departments their own.
MATTER_READ = frozenset({"admin", "congress_staff", "government_staff", DEPARTMENT, DEPUTY})
# Staff who see every matter of their area (the others see theirs only).
AREA_WIDE = frozenset({"admin", "congress_staff", "government_staff"})
RULES = KEEP  # time limits per area
CALENDAR = frozenset({"admin"})  # the working-day override table: the platform's administrators
REPORT = frozenset({"admin", "congress_staff", "government_staff", "supervisor"})
# Duty posts (履职圈): deputies publish their own; congress staff of the area or above hide
# and unhide. The diary (民情日记) is its author's alone: deputies, and nobody else.
POST = frozenset({DEPUTY})
MODERATE = frozenset({"congress_staff"})
DIARY = frozenset({DEPUTY})
# Open311: the api_keys of integrators, issued and revoked by the platform's administrators.
OPEN311_KEYS = frozenset({"admin"})
# 12345 work orders: congress staff import them and set the time limits; deputies and congress
# staff read them (their area and below); a deputy supervises, urges, rates and files findings.
HOTLINE_KEEP = KEEP
HOTLINE_READ = frozenset({"admin", "congress_staff", DEPUTY})
SUPERVISE = frozenset({DEPUTY})
