"""The case, its append-only events, its clocks and the lateness recorded against people.

Nothing here changes a case: `actions.py` does, one function per action."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tousu.org.models import Unit

from .search import SOURCE_FIELDS, terms_of

# "Open": the case's state is not one its kind marks as ended. The engine keeps `is_open` in
# step with the state on every action, so queries and the partial indexes below need no list of
# states (selectors.IsOpen writes the condition exactly as these indexes do).
OPEN = Q(is_open=True)

User = settings.AUTH_USER_MODEL


class CaseCounter(models.Model):
    """The last number given out in a year (TS-2026-000123)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Case(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True)
    tracking_code = models.CharField(_("tracking code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=32, default="complaint")
    channel = models.CharField(_("channel"), max_length=32)
    stage = models.CharField(_("stage"), max_length=32, blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), default=3)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("course of events"))

    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("first contact"))
    receiving_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("receiving unit"))
    target_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("unit complained about"))
    handling_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("handling unit"))

    # Facts the original text asks to record first.
    occurred_at = models.DateTimeField(_("time of the event"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_involved = models.CharField(_("people involved"), max_length=300, blank=True)
    complainant_name = models.CharField(_("complainant"), max_length=100)
    complainant_phone = models.CharField(_("phone"), max_length=40, blank=True)
    complainant_email = models.EmailField(_("email"), blank=True)
    complainant_address = models.CharField(_("address"), max_length=300, blank=True)
    requested_resolution = models.TextField(_("requested resolution"), blank=True)
    requested_by = models.DateTimeField(_("requested time"), null=True, blank=True)
    promised_reply_at = models.DateTimeField(_("reply time agreed with the customer"), null=True, blank=True)

    state = models.CharField(_("state"), max_length=32, db_index=True)
    is_open = models.BooleanField(_("open"), default=True)
    # Facts a kind declares beyond the common columns (its `fields`), by name.
    data = models.JSONField(_("further facts"), default=dict, blank=True)
    # The policy version this case was registered under (org.PolicyVersion.number).
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    owner = models.ForeignKey(User, models.PROTECT, related_name="owned_cases", verbose_name=_("owner"))
    responsible_employee = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+",
                                             verbose_name=_("responsible employee"))

    transfer_plan = models.TextField(_("agreed plan"), blank=True)
    plan_agreed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+",
                                       verbose_name=_("plan agreed by"))
    at_fault = models.BooleanField(_("at fault"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    compensation = models.DecimalField(_("compensation"), max_digits=12, decimal_places=2, default=0)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    callback_result = models.CharField(_("call-back result"), max_length=32, blank=True)
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("signed off by"))
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reason = models.TextField(_("reason for rejection or withdrawal"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    provisional_deadline = models.BooleanField(_("deadline provisional"), default=False)
    version = models.PositiveIntegerField(default=1)
    event_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Derived from number, subject, description and the complainant's name on every save that
    # writes one of them (`search.py`); read through a GIN index on PostgreSQL (migration 0005).
    # Never shown, so it has no verbose name to translate. The database default lets a raw
    # INSERT that does not name it (bench/run.py's ceiling) still go in.
    search_terms = models.TextField(blank=True, default="", db_default="", editable=False)
    # The case's salt for the commitments its events hold in place of personal data
    # (events.commitment); cleared, with the personal data, when the case is anonymised.
    personal_salt = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["owner", "state"], name="case_owner_state"),
            models.Index(fields=["handling_unit", "state"], name="case_unit_state"),
            models.Index(fields=["-received_at"], name="case_received"),
            # The open cases (what every work queue lists) stay few while closed ones pile up
            # over the years: the queues read this partial index (docs/performance.md).
            models.Index(fields=["-received_at"], name="case_open_received",
                         condition=OPEN),
            # "Mine" and the badges: one person's or one unit's open cases, read from indexes
            # whose size is the open backlog, so counting stops early (docs/performance.md).
            models.Index(fields=["owner", "-received_at"], name="case_open_owner",
                         condition=OPEN),
            models.Index(fields=["handling_unit", "-received_at"], name="case_open_handling",
                         condition=OPEN),
            models.Index(fields=["receiving_unit"], name="case_open_receiving",
                         condition=OPEN),
            models.Index(fields=["target_unit"], name="case_open_target",
                         condition=OPEN),
            # The repeat flag (`repeats_of`): the same category in the same unit, or the same
            # phone, within the window; read from these instead of every case of the window.
            models.Index(fields=["handling_unit", "category", "received_at"], name="case_repeat_unit"),
            models.Index(fields=["complainant_phone", "received_at"], name="case_repeat_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args, **kwargs):
        """Keep `search_terms` in step with its sources; a save that writes only other fields
        (update_fields without a source) leaves it alone."""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(update_fields).isdisjoint(SOURCE_FIELDS):
            self.search_terms = terms_of(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_terms"}
        super().save(*args, **kwargs)

    def facts(self) -> dict:
        """What the policy's clock conditions look at."""
        return {"stage": self.stage, "channel": self.channel, "category": self.category, "kind": self.kind,
                "level": self.severity}


class CaseEvent(models.Model):
    """One action on a case. Append-only: each row holds the hash of the one before, so an edit
    or a deletion breaks the chain (`tousu verify-events`)."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    # The party who acted when it was not a member of staff (the complainant on the portal).
    actor_party = models.ForeignKey("CaseParty", models.PROTECT, null=True, blank=True, related_name="+")
    old = models.JSONField(default=dict)
    new = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="unique_event_seq")]


class Clock(models.Model):
    RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"
    STATES = [(RUNNING, _("running")), (PAUSED, _("paused")), (STOPPED, _("stopped"))]

    case = models.ForeignKey(Case, models.CASCADE, related_name="clocks")
    name = models.CharField(max_length=50)
    label = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=STATES, default=RUNNING)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.BigIntegerField(null=True, blank=True)
    provisional = models.BooleanField(default=False)
    # When the worker's warning or breach of this clock fails: how often it has failed in a row,
    # when the sweep tries it again (a back-off; other clocks go on meanwhile) and why it failed.
    # Cleared when it goes through.
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)  # db_default: bulk loads (bench_data)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # The worker's two questions, each answered from a partial index whose size is
            # what is pending, not how many cases exist.
            models.Index(fields=["warn_at"], name="clock_to_warn",
                         condition=Q(state="running", warned_at__isnull=True)),
            models.Index(fields=["due_at"], name="clock_to_breach",
                         condition=Q(state="running", breached_at__isnull=True)),
            models.Index(fields=["case", "name"], name="clock_case_name"),
            # The running clocks (a case's next deadline, "due soon", "overdue"): few, however
            # many stopped ones history holds.
            models.Index(fields=["case", "due_at"], name="clock_running_case",
                         condition=Q(state="running")),
            models.Index(fields=["due_at"], name="clock_running_due", condition=Q(state="running")),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.due_at:%Y-%m-%d %H:%M}"


class Lateness(models.Model):
    """A breached clock recorded against the unit and the person who held the case; or another
    accountability entry an action records (`kind` is then the preset's ledger word)."""

    CLOCK_BREACH = "clock_breach"  # the kind of the entry the worker records for a breached clock

    case = models.ForeignKey(Case, models.PROTECT, related_name="lateness")
    # The breached clock; none for an accountability entry an action records (a late report).
    clock = models.ForeignKey(Clock, models.PROTECT, null=True, blank=True, related_name="lateness")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+")
    person = models.ForeignKey(User, models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, default=CLOCK_BREACH)
    occurred_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lateness")
        verbose_name_plural = _("lateness records")
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="one_lateness_per_clock")]


def attachment_path(instance: "Attachment", filename: str) -> str:
    """MEDIA_ROOT/cases/<case number>/<random name>: the uploaded name is kept only as text."""
    suffix = ATTACHMENT_SUFFIX.get(instance.content_type, "")
    return f"cases/{instance.case.number}/{uuid.uuid4().hex}{suffix}"


ATTACHMENT_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
                     "image/webp": ".webp", "application/pdf": ".pdf"}


class Attachment(models.Model):
    """A file kept with a case, added only by an action (register_case, attach_files). Nothing
    serves MEDIA_ROOT publicly: the staff page that shows one checks who may see the case."""

    PORTAL, LETTER_SCAN, STAFF = "portal", "letter_scan", "staff"
    SOURCES = [(PORTAL, _("complainant portal")), (LETTER_SCAN, _("scanned pages")),
               (STAFF, _("staff"))]

    case = models.ForeignKey(Case, models.PROTECT, related_name="attachments", verbose_name=_("complaint"))
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    source = models.CharField(_("source"), max_length=20, choices=SOURCES, default=STAFF)
    uploaded_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CaseParty(models.Model):
    """A person or organisation named in a case in one of its kind's party roles: the
    complainant (always one), respondents, agents, interested parties, a company complained
    about. Personal fields are masked by role as the complainant's are."""

    PERSON, ORGANISATION = "person", "organisation"
    KINDS = [(PERSON, _("person")), (ORGANISATION, _("organisation"))]
    # What is recorded about a party beside its role and kind, from intake or an action's inputs.
    DETAILS = ("name", "address", "phone", "email", "id_number", "product")

    @classmethod
    def details(cls, values: dict) -> dict:
        """The DETAILS given in `values` as text, each cut to its column's length."""
        return {name: str(values.get(name) or "").strip()[:cls._meta.get_field(name).max_length]
                for name in cls.DETAILS}

    case = models.ForeignKey(Case, models.PROTECT, related_name="parties", verbose_name=_("complaint"))
    role = models.CharField(_("party role"), max_length=40)
    kind = models.CharField(_("person or organisation"), max_length=16, choices=KINDS, default=PERSON)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(_("ID or unified social credit code"), max_length=40, blank=True)
    product = models.CharField(_("product or brand"), max_length=200, blank=True)
    agent_of = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="agents",
                                 verbose_name=_("agent of"))
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_how = models.CharField(_("served how"), max_length=100, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "pk"]
        indexes = [models.Index(fields=["case", "role"], name="party_case_role"),
                   models.Index(fields=["name"], name="party_name")]

    def __str__(self) -> str:
        return self.name


class CaseApproval(models.Model):
    """One step of an approval chain (审批 / 签批) requested on a case: who must decide, and what
    they decided. The chain's steps come from the kind's policy when it is requested."""

    PENDING, GRANTED, SENT_BACK, WAITING = "pending", "granted", "sent_back", "waiting"
    STATES = [(PENDING, _("waiting for a decision")), (GRANTED, _("granted")),
              (SENT_BACK, _("sent back")), (WAITING, _("waiting for an earlier step"))]

    case = models.ForeignKey(Case, models.PROTECT, related_name="approvals", verbose_name=_("complaint"))
    chain = models.CharField(_("approval chain"), max_length=50)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    position = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=50)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=STATES, default=WAITING)
    send_back = models.BooleanField(_("may send back"), default=False)
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["case", "chain", "round", "position"]
        indexes = [models.Index(fields=["case", "chain", "state"], name="approval_case_chain")]


def document_path(instance: "CaseDocument", filename: str) -> str:
    return f"cases/{instance.case.number}/documents/{uuid.uuid4().hex}.docx"


class CaseDocument(models.Model):
    """A document the kind's policy renders on an action (a decision, a notice to a party),
    kept with the case as a .docx and served only to those who may see the case."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="documents", verbose_name=_("complaint"))
    name = models.CharField(_("document"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255)
    rendered_at = models.DateTimeField(_("rendered at"))
    rendered_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("rendered by"))
    event_seq = models.PositiveIntegerField(_("event"), default=0)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.title


class SameMatter(models.Model):
    """Two cases of one kind probably about the same matter (a similar text, the same place, the
    same organisation named as a party), the later one received within the kind's repeat window
    after the earlier. Written at registration by `matters.link` (the action layer); the repeat
    rule reads it: the same category in the same unit or against the same person is a repeat
    only when the two are linked here (selectors.REPEAT_MATCHES)."""

    later = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="earlier_matters")
    earlier = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="later_matters")
    reason = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["later", "earlier"], name="same_matter_pair")]
        indexes = [models.Index(fields=["earlier"], name="same_matter_earlier")]
