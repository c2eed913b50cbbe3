"""Writes for disputes. Keyword-only, one transaction each; every transition writes a
DisputeEvent (the case timeline) and an audit row in that transaction, and (re)schedules or
cancels its notices.

- ``filing``: drafts, their items, submission (electronic) and paper entry;
- ``case_work``: acknowledgement, assignment, review, return and amendment, closing, and the
  daily jobs (closing unamended disputes, escalating overdue ones);
- ``notes``: notes and messages, attachments, member-row views;
- ``determination``: the written determination and its letter, second-level filing;
- ``money``: the money outcome through the program's hooks (``disputes.programs``);
- ``common``: what they share (errors, who may act, the timeline, the decision clock).
"""
