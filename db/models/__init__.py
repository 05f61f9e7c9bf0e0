"""All mapped tables; importing this package registers every table on Base.metadata."""
from db.base import Base
from db.models.audit import AuditEntry
from db.models.catalogue import Category, Service, ServiceCategory
from db.models.counter import Device, Loan, Loaner, Repair, RepairAccessory, SatisfactionRating, Signature
from db.models.escalation import EscalationRule, JobLease, SlaAlert, StaffNotification
from db.models.incident_models import IncidentModel, IncidentModelTask
from db.models.incidents import Attachment, Incident, JournalEntry, Task
from db.models.knowledge import KnowledgeArticle, KnowledgeArticleVersion
from db.models.mail import InboxMessage, MailEventSwitch, MailSettings, MailTemplate, OutboxMessage
from db.models.major import MajorIncidentRule, MajorTeamMember
from db.models.numbering import NumberSequence
from db.models.people import Affiliation, Department, Person, PersonStatus
from db.models.problems import Problem
from db.models.replies import CannedReply
from db.models.rules import (
    RuleAction,
    RuleAuditField,
    RulePriority,
    RuleTransition,
    RuleUrgencyRank,
    SecurityGroup,
)
from db.models.sla import (
    Calendar,
    CalendarClosure,
    CalendarHours,
    CalendarPeriod,
    CalendarVersion,
    Sla,
    SlaTarget,
    SlaVersion,
)
from db.models.staff import StaffAccount, StaffRole, Team, TeamMember
from db.models.views import SavedView
from db.models.vip import VipGrant, VipPolicy

__all__ = [
    "Affiliation",
    "Attachment",
    "AuditEntry",
    "Base",
    "Calendar",
    "CalendarClosure",
    "CalendarHours",
    "CalendarPeriod",
    "CalendarVersion",
    "CannedReply",
    "Category",
    "Department",
    "Device",
    "EscalationRule",
    "InboxMessage",
    "Incident",
    "IncidentModel",
    "IncidentModelTask",
    "JobLease",
    "JournalEntry",
    "KnowledgeArticle",
    "KnowledgeArticleVersion",
    "Loan",
    "Loaner",
    "MailEventSwitch",
    "MailSettings",
    "MailTemplate",
    "MajorIncidentRule",
    "MajorTeamMember",
    "NumberSequence",
    "OutboxMessage",
    "Person",
    "PersonStatus",
    "Problem",
    "Repair",
    "RepairAccessory",
    "RuleAction",
    "RuleAuditField",
    "RulePriority",
    "RuleTransition",
    "RuleUrgencyRank",
    "SatisfactionRating",
    "SavedView",
    "SecurityGroup",
    "Service",
    "ServiceCategory",
    "Signature",
    "Sla",
    "SlaAlert",
    "SlaTarget",
    "SlaVersion",
    "StaffAccount",
    "StaffNotification",
    "StaffRole",
    "Task",
    "Team",
    "TeamMember",
    "VipGrant",
    "VipPolicy",
]
