"""Roles and what each may do: the one table of capabilities.

A capability names an action ("unit.manage"). A role has it on every row, except:

- the unit officer, only on rows of the units the officer is bound to (and their villages);
- a role listed in `UNIT_KINDS` for the capability, only on rows of units of those kinds (the
  economic office reviews the self-assessments of communes and villages only).

Nothing outside this module and `portal.access` tests roles (an introspection test,
`tests/portal/test_roles_in_one_place.py`, fails when code does): views, forms, services and
selectors ask `portal.access` — `can`/`require` for one row, `scope_for` for the rows a
capability reaches, `unit_kinds_for` for the kinds, `users_holding` for who holds it.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Cơ quan thường trực thi đua – khen thưởng"
    ECONOMIC_OFFICE = "economic_office", "Phòng Kinh tế"
    UNIT_OFFICER = "unit_officer", "Cán bộ đơn vị"
    COUNCIL_MEMBER = "council_member", "Thành viên Hội đồng TĐ-KT"
    CHAIRMAN = "chairman", "Chủ tịch UBND"
    OBSERVER = "observer", "Theo dõi (cấp ủy, HĐND, cấp trên)"


SECRETARIAT = Role.SECRETARIAT
ECONOMIC_OFFICE = Role.ECONOMIC_OFFICE
UNIT_OFFICER = Role.UNIT_OFFICER
COUNCIL_MEMBER = Role.COUNCIL_MEMBER
CHAIRMAN = Role.CHAIRMAN
OBSERVER = Role.OBSERVER

ALL_ROLES = frozenset(Role)
#: Roles that see every unit's rows. An officer sees only the units bound to them (and their
#: villages); a user with no role sees nothing.
SEE_ALL = frozenset({SECRETARIAT, ECONOMIC_OFFICE, COUNCIL_MEMBER, CHAIRMAN, OBSERVER})

# capability -> roles that have it. For UNIT_OFFICER the capability is limited to own units.
CAPABILITIES: dict[str, frozenset[Role]] = {
    # units app
    "unit.view": ALL_ROLES,
    "unit.manage": frozenset({SECRETARIAT}),
    "unit.import": frozenset({SECRETARIAT}),
    "unit.export": frozenset({SECRETARIAT, ECONOMIC_OFFICE, CHAIRMAN, OBSERVER}),
    "person.view": ALL_ROLES,
    "person.manage": frozenset({SECRETARIAT, UNIT_OFFICER}),
    "cluster.manage": frozenset({SECRETARIAT}),
    # Issuing authorities (dated: who issues and signs documents on each date).
    "authority.view": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER}),
    "authority.manage": frozenset({SECRETARIAT}),
    "user.manage": frozenset({SECRETARIAT}),
    "audit.view": frozenset({SECRETARIAT}),
    # the audit trail of the officer's own units' rows
    "audit.view_own": frozenset({UNIT_OFFICER}),
    # campaigns: the yearly cycle
    "campaign.view": ALL_ROLES,
    "campaign.manage": frozenset({SECRETARIAT}),
    "criteria.manage": frozenset({SECRETARIAT}),
    "registration.submit": frozenset({UNIT_OFFICER, SECRETARIAT}),
    "assessment.view": frozenset({SECRETARIAT, ECONOMIC_OFFICE, UNIT_OFFICER, CHAIRMAN, OBSERVER}),
    "assessment.edit": frozenset({UNIT_OFFICER}),
    "assessment.submit": frozenset({UNIT_OFFICER}),
    "assessment.review": frozenset({SECRETARIAT, ECONOMIC_OFFICE}),
    "assessment.reopen": frozenset({SECRETARIAT}),
    "extension.request": frozenset({UNIT_OFFICER}),
    "extension.grant": frozenset({SECRETARIAT}),
    "ntm.edit": frozenset({UNIT_OFFICER, ECONOMIC_OFFICE}),
    "ntm.confirm": frozenset({ECONOMIC_OFFICE}),
    "ntm.import": frozenset({SECRETARIAT, ECONOMIC_OFFICE}),
    "contribution.edit": frozenset({UNIT_OFFICER, ECONOMIC_OFFICE, SECRETARIAT}),
    "ntm.view": ALL_ROLES,
    "contribution.view": ALL_ROLES,
    "contribution.import": frozenset({SECRETARIAT, ECONOMIC_OFFICE}),
    "completeness.view": frozenset({SECRETARIAT, ECONOMIC_OFFICE, CHAIRMAN, OBSERVER}),
    "ranking.view": ALL_ROLES,
    "ranking.publish": frozenset({SECRETARIAT}),
    "dashboard.view": ALL_ROLES,
    # The town-wide overview (every cluster, the units needing attention): whoever sees every
    # unit's rows; a unit officer's home is their own units.
    "dashboard.overview": SEE_ALL,
    "feedback.send": frozenset({UNIT_OFFICER, SECRETARIAT, ECONOMIC_OFFICE}),
    "feedback.answer": frozenset({SECRETARIAT}),
    "inspection.manage": frozenset({SECRETARIAT}),
    "inspection.answer": frozenset({UNIT_OFFICER}),
    "budget.manage": frozenset({SECRETARIAT}),
    "news.publish": frozenset({SECRETARIAT}),
    # oversight: inspections, sponsorship results, difficulties, budget, released figures
    "inspection.view": ALL_ROLES,
    "feedback.view": frozenset({SECRETARIAT, ECONOMIC_OFFICE, UNIT_OFFICER, CHAIRMAN, OBSERVER}),
    "feedback.export": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER}),
    "budget.view": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER}),
    "sponsorship.view": ALL_ROLES,
    "sponsorship.report": frozenset({UNIT_OFFICER, SECRETARIAT}),
    "figures.release": frozenset({CHAIRMAN}),
    # awards
    "nomination.view": frozenset({SECRETARIAT, UNIT_OFFICER, COUNCIL_MEMBER, CHAIRMAN, OBSERVER}),
    "nomination.propose": frozenset({UNIT_OFFICER, SECRETARIAT}),
    "nomination.check": frozenset({SECRETARIAT}),
    "nomination.override": frozenset({SECRETARIAT}),
    # the contact a citizen gave with a consultation comment (personal data: the secretariat
    # answers or asks back; council members read the comments without it)
    "consultation.contact": frozenset({SECRETARIAT}),
    "council.manage": frozenset({SECRETARIAT}),
    "council.vote": frozenset({COUNCIL_MEMBER, CHAIRMAN}),
    # Close the vote after seeing who has not voted and what each item would get: the
    # secretariat, and the chairman who chairs the council (a member seated as chair of a
    # session may close that session too: `awards.council.selectors.may_close`).
    "council.close": frozenset({SECRETARIAT, CHAIRMAN}),
    "decision.sign": frozenset({CHAIRMAN}),
    "award.import": frozenset({SECRETARIAT}),
    "exemplar.manage": frozenset({SECRETARIAT}),
    "tier.view": ALL_ROLES,
    "award.view": ALL_ROLES,
    "award.export": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER}),
    "council.view": frozenset({SECRETARIAT, COUNCIL_MEMBER, CHAIRMAN}),
    "decision.view": frozenset({SECRETARIAT, COUNCIL_MEMBER, CHAIRMAN, OBSERVER}),
    "decision.prepare": frozenset({SECRETARIAT}),
    "forwarding.manage": frozenset({SECRETARIAT}),
    # reports
    "report.view": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER, ECONOMIC_OFFICE, COUNCIL_MEMBER}),
    "report.request": frozenset({SECRETARIAT}),
    "report.edit_narrative": frozenset({SECRETARIAT}),
    "report.sign": frozenset({CHAIRMAN}),
    # The register of outgoing documents: numbers are given by signing; the secretariat records
    # numbers the office gave outside the portal.
    "register.view": frozenset({SECRETARIAT, CHAIRMAN, OBSERVER}),
    "register.manage": frozenset({SECRETARIAT}),
}


#: capability → role → the unit kinds (units.models.UnitKind values) whose rows that role may
#: act on. A role not listed here for a capability acts on every kind.
UNIT_KINDS: dict[str, dict[Role, frozenset[str]]] = {
    # The economic office reviews the new-rural results of communes and villages only.
    "assessment.review": {ECONOMIC_OFFICE: frozenset({"commune", "village"})},
}


def roles_with(capability: str) -> frozenset[Role]:
    """The roles that hold a capability; an unknown name is a programming error."""
    try:
        return CAPABILITIES[capability]
    except KeyError as exc:
        raise KeyError(f"Unknown capability {capability!r}: add it to portal/roles.py") from exc
