"""Who may call each collection route: for every RPC, the union of the roles the collection
service accepts for it (collection.domain), so the gateway's pre-check refuses only callers
the service would refuse as well; the service still checks the record's area and, for a
proposal entered on someone's behalf, the channel. tests/contract/test_gateway_roles.py keeps
each set equal to the service's own."""

STAFF = frozenset({"admin", "congress_staff", "government_staff", "department_staff"})
NOTICE = frozenset({"admin", "government_staff"})
# Who may enter a proposal on someone's behalf, by channel (online needs nobody).
CHANNEL = {
    "deputy": frozenset({"admin", "deputy", "congress_staff"}),
    "department": frozenset({"admin", "department_staff", "government_staff"}),
    "letter": frozenset({"admin", "government_staff", "congress_staff"}),
    "visit": frozenset({"admin", "government_staff", "congress_staff"}),
    "hotline": frozenset({"admin", "government_staff"}),
    "petition": frozenset(),
}
# A supporter is added by the roles of the channel given (or the proposal's), staff otherwise.
SUPPORTER = STAFF.union(*CHANNEL.values())
ATTACHMENT = STAFF | {"deputy"}
MERGE = frozenset({"admin", "government_staff"})

SCREEN = frozenset({"admin", "government_staff"})
SCREENING_READ = frozenset({"admin", "congress_staff", "government_staff", "department_staff"})
LIBRARY_READ = SCREENING_READ | {"deputy"}
LIBRARY_EDIT = SCREEN
PUBLISH = SCREEN

LIST_READ = frozenset({"admin", "congress_staff", "government_staff", "department_staff", "deputy"})
SETTINGS = frozenset({"admin", "government_staff", "congress_staff"})
BUILD = frozenset({"admin", "government_staff"})  # build, open and close rounds, freeze
COMMENT = LIST_READ
REPORT = STAFF
