"""The fixed words a preset is written in: input types, guards, effects, clock units, pseudo-roles.

A preset names its own states, actions, outcomes, roles and party roles; these words are the
engine's, written once in Python (the Django layer holds one handler per guard and effect).
The loader (`preset.py`) checks every preset against them, so a misspelt guard or effect is
refused when the preset loads, naming the file and the key, instead of failing on a case.
"""

from __future__ import annotations

from .periods import PERIOD_UNITS as _PERIOD_UNITS

OWNER = "owner"  # the case's current owner
ANY_MEMBER = "member"  # anyone whose unit covers the case
COMPLAINANT = "complainant"  # the complainant, acting through the portal (no staff login)
APPROVER = "approver"  # whoever may decide the pending step of an approval chain
SYSTEM = "system"  # the worker acting on a clock, or an action that follows another
PSEUDO_ROLES = frozenset({OWNER, ANY_MEMBER, COMPLAINANT, APPROVER})

NEW = "new"  # the state before a case exists: the register action starts from it

CLOCK_UNITS = ("minutes", "hours", "natural_days", "working_days", "calendar_months")

# type -> what the value is. Every action's staff form, API body and portal form are built from
# these (tousu/cases/inputs.py parses them; tousu/web/action_forms.py draws them).
INPUT_TYPES = {
    "text": "one line of text",
    "longtext": "several lines of text",
    "money": "an amount in yuan, at most two decimals, not negative",
    "datetime": "a date and time (in the organisation's time zone)",
    "choice": "one of `choices`",
    "outcome": "one of the kind's outcomes (or `choices`, a subset of them)",
    "level": "one of the kind's levels",
    "unit": "a unit of the organisation (by code in the API)",
    "person": "a person who may handle the case (by user name in the API)",
    "party": "one of the case's parties (by id), optionally of `party_role`",
    "files": "uploaded files (images or PDF)",
    "bool": "yes, no or not known",
    "url": "a web address (http or https), e.g. the link to an online post",
    "count": "a whole number, not negative (reads, reposts, comments)",
    "date": "a day (in the organisation's time zone)",
    "lines": "entries, one per line (a list: the complaint's items 1..n)",
    "per_item": "one value for each entry of a list the case keeps (`of`), each one of `choices` "
                "when it has them",
}
INPUT_KEYS = frozenset({"name", "type", "label", "label_en", "required", "choices", "future",
                        "authority", "max_length", "party_role", "help", "of", "past",
                        "not_before"})

# guard -> {parameter: what it is}; every guard also takes `message` (and `message_en`).
GUARDS = {
    "field_set": {"field": "a case field that must hold a value"},
    "field_empty": {"field": "a case field that must be empty"},
    "field_in": {"field": "a case field", "values": "the values it must hold one of"},
    "plan_agreed": {},
    "approval_granted": {"chain": "an approval chain of the kind"},
    "approval_pending": {"chain": "an approval chain of the kind"},
    "no_approval_pending": {"chain": "an approval chain of the kind"},
    "step_may_send_back": {"chain": "an approval chain of the kind: its pending step may send back"},
    "parties_served": {"role": "a party role of the kind: every such party has been served"},
    "has_party": {"role": "a party role of the kind: the case names at least one"},
    "document_served": {"document": "a document of the kind", "roles": "party roles: every party "
                        "of these roles (an agent stands for the party it acts for) has a service "
                        "record of the document"},
    "actor_in_unit": {"unit": "'handling' or 'target' or 'receiving': the actor holds one of the "
                              "action's roles in that unit of the case itself"},
    "level_at_least": {"level": "a level of the kind (by its place, lowest first)"},
    "no_contact_details": {},  # the complainant left no phone, email or address to reply to
    "input_given": {"input": "an input of the action that must be filled in (with `when_input`: "
                             "only for those answers)"},
    "clock_not_running": {"clock": "a clock of the kind: none of the case's clocks of that name is running "
                                   "or paused (a request still waiting for its answer)"},
    "actor_is": {"field": "a person of the case (`responsible_employee`, or `data.NAME` a person "
                          "input was kept in): only that person may take the step"},
}
GUARD_COMMON = frozenset({"guard", "message", "message_en", "when_input"})

# effect -> {parameter: what it is}
EFFECTS = {
    "set": {"fields": "case field -> value: '$input.NAME', '$now', '$actor', '$none', or a literal"},
    "increment": {"field": "a whole-number case field"},
    "escalate": {"reason": "the input whose text explains why (optional)",
                 "to_role": "a ladder role: climb straight to its level, unless the case is held "
                            "there or higher already (optional: one level up)"},
    "transfer": {"unit": "the unit input", "plan": "the plan input", "min_level": "the lowest "
                 "ladder level the receiving holder takes the case at (default 0)"},
    "assign": {"person": "the person input"},
    "level": {"to": "'up', 'down' or '$input.NAME' (a level input)"},
    "clock": {"start": "clock names", "stop": "clock names", "pause": "clock names",
              "resume": "clock names"},
    "request_approval": {"chain": "an approval chain of the kind"},
    "decide_approval": {"decision": "'grant' or 'send_back'", "chain": "an approval chain of the kind",
                        "note": "the input whose text is kept with the decision (optional)"},
    "add_party": {"role": "a party role of the kind", "from": "'$input.NAME' prefix of the "
                  "party inputs (name, address, phone, id_number, credit_code, product, brand)"},
    "serve": {"role": "the party role served (or `party`)", "document": "the document served (optional)",
              "method": "the input holding how it was served (optional)",
              "party": "the party input: serve that one party (optional)",
              "on": "the date input holding the day served (optional: today)"},
    "document": {"name": "a document of the kind, rendered as .docx and kept with the case",
                 "party": "the party input: the copy for that party, with its service day and "
                          "periods (optional)"},
    "set_for_party": {"party": "the party input", "fields": "data.NAME -> value, kept for that "
                      "party (data.NAME becomes a table party -> value)"},
    "announce": {"title": "the title input", "text": "the text input: published on the portal "
                 "with personal data removed"},
    "notify": {"to": "'owner', 'complainant' or a role code", "subject": "text", "body": "text or "
               "'$input.NAME'"},
    "accountability": {"kind": "a word for the ledger, e.g. 'late_report', or '$input.NAME' (a "
                       "choice input)", "unit": "the unit input: the unit held to account "
                       "(optional: the handling unit)", "person": "the person input: the person "
                       "held to account (optional: the owner)"},
    "publish": {"title": "the title input", "summary": "the summary input",
                "lessons": "the lessons input: the case goes into the case library (案例库)"},
    "corrective_action": {"title": "the title input", "due": "the date input: the due date",
                          "owner": "the person input: who carries it out (optional: the actor)",
                          "description": "the input saying what is to be done (optional)"},
    "anonymise": {},  # clear the personal data of the case and its parties (retention, erasure)
    "personal_data_export": {},  # gather what is held about the complainant (a request to see it)
    "robot": {"to": "a role code: the group robots and SMS gateways set up in the admin for that "
              "role and the case's unit (or a unit above it)", "subject": "text",
              "body": "text or '$input.NAME'"},
    "merge": {"case": "the input holding another open case's number (same kind, one the actor "
              "sees): it joins this one (并案)", "action": "the action the joined case takes, by "
              "the system, as it joins"},
    "cascade": {"action": "the action each case joined to this one takes, by the system, with "
                "this action's inputs (one handling answers every complainant)"},
}

# The case columns a `set` effect may write (and a guard may read); a kind's own facts are
# written as "data.NAME". tests/cases/test_engine.py checks each is a column of Case.
SETTABLE_FIELDS = frozenset({
    "promised_reply_at", "requested_by", "resolution", "compensation", "at_fault",
    "responsible_employee", "reply", "replied_at", "callback_result", "callback_at",
    "signed_off_by", "signed_off_at", "closed_at", "reason", "transfer_plan", "plan_agreed_by",
    "reopen_count", "category", "stage", "subject", "place", "people_involved",
    "requested_resolution", "occurred_at", "severity", "target_unit",
})

# The case's times a clock may fall due at (`due_from`).
TIME_FIELDS = frozenset({"requested_by", "promised_reply_at", "occurred_at"})
# The times a `date` or `datetime` input may be checked against (`not_before`).
NOT_BEFORE_FIELDS = frozenset({"received_at", "occurred_at"})

# The days a step records that a clock may count from instead of the time of the step
# (`start_from`): the day a party was served, as the `serve` effect records it.
START_FROM_FACTS = frozenset({"served_on"})

CLOCK_KEYS = frozenset({"name", "label", "label_en", "when", "amount", "unit", "due_from", "start_from",
                        "start_on", "stop_on", "pause_on", "resume_on", "warn_minutes",
                        "on_breach", "raise_level", "per_party"})
ACTION_KEYS = frozenset({"label", "label_en", "from", "to", "roles", "role_flag", "inputs",
                         "requires", "effects", "note", "outcome", "branches", "then", "portal",
                         "order", "offer", "quiet", "bulk"})
# The input types an action offered on a whole selection (`bulk = true`) may take: the same
# values for every case chosen.
BULK_INPUT_TYPES = frozenset({"text", "longtext", "person"})
BRANCH_KEYS = frozenset({"to", "effects", "then"})
ROLE_KEYS = frozenset({"name", "max_compensation", "sign_off", "close", "personal_data",
                       "all_units"})
ROLE_FLAGS = ("sign_off", "close")
STATE_KEYS = frozenset({"label", "label_en", "ended", "public", "public_en"})
PARTY_KEYS = frozenset({"label", "label_en", "kind", "fields", "complainant", "many"})
PARTY_FIELDS = ("address", "phone", "id_number", "credit_code", "product", "brand", "agent_of")
PARTY_KINDS = ("person", "organisation", "either")
APPROVAL_KEYS = frozenset({"label", "label_en", "steps", "by_level"})
STEP_KEYS = frozenset({"role", "unit", "label", "label_en", "amount", "unit_of_time",
                       "send_back"})
KIND_KEYS = frozenset({"label", "label_en", "number_prefix", "states", "actions", "clocks",
                       "categories", "stages", "outcomes", "levels", "default_level", "parties",
                       "approvals", "figures", "repeats", "ladder", "callback", "documents",
                       "periods", "monthly", "retention_days", "imports", "words",
                       "routing"})
# [kinds.X.routing]: automatic routing of a confident suggestion and scheduled retraining.
ROUTING_KEYS = frozenset({"action", "auto_min_confidence", "retrain_days", "retrain_after_cases",
                          "retrain_activate"})
RETRAIN_ACTIVATE = ("better", "always", "never")
# [[kinds.X.monthly]]: a figure of the kind's register, counted per month.
MONTHLY_KEYS = frozenset({"label", "label_en", "count", "where", "average_working_days"})
DOCUMENT_KEYS = frozenset({"title", "body", "items", "item"})
# [kinds.X.periods.NAME]: a statutory period counted from the day a party is served (民法典
# arts. 201-203: tousu/domain/periods.py).
PERIOD_KEYS = frozenset({"label", "label_en", "amount", "unit", "basis", "served"})
PERIOD_UNITS = _PERIOD_UNITS  # days and months, as the Civil Code counts them
LEVEL_KEYS = frozenset({"value", "label", "visible_to", "record_views"})
FIGURE_KEYS = frozenset({"responded", "resolved", "satisfied", "verdicts", "dismissed"})
TOP_KEYS = frozenset({"preset", "extends", "organisation", "roles", "ladder", "channels",
                      "unit_kinds", "kinds", "default_kind", "units", "demo", "reports", "portal",
                      "accountability", "monitoring", "intake", "registers",
                      "policy_changes", "clusters", "monthly_review"})
# [clusters.CODE]: complaints of some categories gathered by area (the telecom team's weak
# coverage), each area linkable to a plan whose effect is measured (tousu/domain/clusters.py).
CLUSTER_KEYS = frozenset({"label", "label_en", "categories", "plans", "areas", "window_days", "threshold",
                          "effect_days"})
CLUSTER_AREA_KEYS = frozenset({"code", "name", "match"})
# [registers.CODE]: a paper register kept as a view of the cases received through its channels
# (the bank outlet's 客户意见簿 and 意见登记簿), a page and an xlsx export.
REGISTER_KEYS = frozenset({"label", "channels"})
# [intake]: `on_the_spot`, the default kind's action (taking one `text` input) that answers a
# complaint at once, offered on the staff intake form (the bank's 当场答复).
INTAKE_KEYS = frozenset({"on_the_spot"})
# [policy_changes]: a change of the policy in force (authority, procedures) takes effect only
# with the approval of a person holding `approver_role`, named with the day they approved it.
POLICY_CHANGE_KEYS = frozenset({"approver_role"})
# [monthly_review]: the monthly 《顾客投诉统计分析报告表》 carries the written analysis and
# recommendations of a person holding `writer_role` and goes for approval to one holding
# `approver_role` (the hotel: 营销部 writes, 总经室 approves).
MONTHLY_REVIEW_KEYS = frozenset({"writer_role", "approver_role"})

# [accountability.WORD]: what an entry of the accountability ledger under WORD means (迟报 ...)
# and the consequences the organisation's rules attach to it, shown in the yearly ledger.
ACCOUNTABILITY_KEYS = frozenset({"label", "label_en", "consequences"})
# [monitoring]: a daily duty (每日搜索、监测、研判、预警): who keeps the log, on which days, and the
# ledger word a day without one is recorded under.
MONITORING_KEYS = frozenset({"role", "days", "missed", "label", "fields"})
# The daily log's fields a preset may relabel (`[monitoring.fields]`): the bank's daily check of
# the customer opinion book names them for what its complaint manager writes.
MONITORING_FIELDS = ("searched", "findings", "judgement", "warnings")
MONITORING_DAYS = ("every_day", "working_days")

# [kinds.X.imports]: how a past complaint read from a spreadsheet (`tousu import`) enters the
# kind. `reply`: the actions a row with a reply takes, in order, at the reply's time, each with
# its inputs; an input's value may be one of IMPORT_VALUES or a literal.
IMPORT_KEYS = frozenset({"reply"})
IMPORT_STEP_KEYS = frozenset({"action", "inputs"})
IMPORT_VALUES = {"$reply": "the row's reply text", "$reply_at": "the row's reply time"}
