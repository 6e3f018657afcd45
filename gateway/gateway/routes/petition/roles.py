"""Who may call each petition route: the union of what the service accepts (petition.roles),
so the gateway never refuses what the service would accept. tests/contract/test_gateway_roles.py
keeps the sets equal."""

KEEP = frozenset({"admin", "congress_staff"})  # deputies, stations, codes, time limits
READ = KEEP | frozenset({"government_staff", "department_staff", "deputy", "supervisor"})
MATTER_READ = frozenset(
    {"admin", "congress_staff", "government_staff", "department_staff", "deputy"}
)
ACT = frozenset({"deputy", "congress_staff", "department_staff"})  # department staff: resolve
CALENDAR = frozenset({"admin"})
CALENDAR_READ = MATTER_READ | CALENDAR
REPORT = frozenset({"admin", "congress_staff", "government_staff", "supervisor"})
POST = frozenset({"deputy"})  # duty posts: publish, edit, delete one's own
MODERATE = frozenset({"congress_staff"})  # hide, unhide
DIARY = frozenset({"deputy"})  # the author's own notes
OPEN311_KEYS = frozenset({"admin"})  # integrators' api_keys
HOTLINE_READ = frozenset({"admin", "congress_staff", "deputy"})  # 12345 work orders
DEPUTY = frozenset({"deputy"})  # supervise, urge, rate, open a matter, file a finding
