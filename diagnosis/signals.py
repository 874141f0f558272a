"""Signals other apps may follow (e.g. the content-gap queue counts unsolved walks).

session_ended(sender=Session, session=…, outcome=…): a walk reached an outcome
(solved, escalated, not solved, abandoned), sent once the change is committed.
"""

from django.dispatch import Signal

session_ended = Signal()
