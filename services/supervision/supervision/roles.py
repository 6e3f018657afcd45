"""Who may do what in supervision (the gateway's route sets equal these:
tests/contract/test_gateway_roles.py).

Membership narrows further: a deputy or a staff member files a group's reports and findings only
for a group they belong to (use_cases check it), a social supervisor (`supervisor`) observes only
the projects assigned to them, an evaluator evaluates only."""

# Congress staff of the area form groups, set checkpoints, moderate feedback, register social
# supervisors and evaluators' work, prepare the satisfaction vote; admins too.
STAFF = frozenset({"admin", "congress_staff"})
# Group members file checkpoint reports, inspections and findings, and look back.
MEMBERS = frozenset({"congress_staff", "deputy"})
# Third-party evaluators (第三方评价机构) record evaluations against a framework.
EVALUATORS = frozenset({"evaluator"})
# Social supervisors (社会监督员) file observations on their assigned projects.
SOCIAL_SUPERVISORS = frozenset({"supervisor"})
# Government staff read findings addressed to their area's projects (rectification is reported
# through implementation, whose problem list holds it).
GOVERNMENT = frozenset({"government_staff", "department_staff"})
# A project's file and the supervision records: everyone above.
READ = STAFF | MEMBERS | EVALUATORS | SOCIAL_SUPERVISORS | GOVERNMENT
# Observations are read by congress staff of the area and by each supervisor (their own only).
OBSERVATION_READ = STAFF | SOCIAL_SUPERVISORS
# Inspections, findings, rectification requests and look-backs: group members and congress staff
# record them (membership checked per group); government staff read what is handed to them.
INSPECT = STAFF | MEMBERS
FINDINGS_READ = STAFF | MEMBERS | GOVERNMENT

# Evaluation (绩效评价 · 满意度测评 · 年终报告): congress staff adopt frameworks and prepare the
# satisfaction vote; evaluators record evaluations (and read frameworks to score against); an
# evaluator never prepares a vote.
FRAMEWORK_WRITE = STAFF
FRAMEWORK_READ = STAFF | EVALUATORS
EVALUATION_WRITE = EVALUATORS
EVALUATION_READ = STAFF | EVALUATORS
SATISFACTION_WRITE = STAFF
SATISFACTION_READ = STAFF | MEMBERS
YEAR_END_READ = STAFF | MEMBERS
