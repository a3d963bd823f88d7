"""The conference pages, by topic. Each page reaches its conference, plan, report or document through
a policy (``base.ConferencePage`` / ``base.PlanPage``, on ``safeguarding.access.views.PolicyViewMixin``),
reads through selectors (``conferences.selectors``) and writes through ``conferences.services``;
one-purpose forms stand on the kernel's ``safeguarding.pages.ActionPage``. Missing and forbidden are the
same 404.

    dashboard      the landing page and the conference service's list
    request        asking for a conference (from the child's page, or a plan's review)
    detail         the conference page
    scheduling     booking, rescheduling, cancelling
    invitations    invitations and attendance
    reports        agency reports
    record         the live Signs of Safety record and scaling
    decision       holding the conference and the chair's decision
    minutes        the minutes: edit, preview, sign off, new version
    documents      published PDFs and their distribution
    plans          the child protection plan between conferences
"""
