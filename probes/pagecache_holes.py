"""What probes shows on staff issue and code pages, registered with the page cache so
those pages can be kept whole (issues/pagecache/live.py): the monitor panel, the
checklists at the steps and below the article.

Their rows are not versioned content, so the content generation does not see their
edits; registering the models the parts read makes every save or delete of one (a
monitor's new state or check time, a checklist edited in the admin, a target renamed,
a checklist linked to an issue) replace the live generation those pages are kept under.
A test reads the tables a staff page queries and checks each is listed here.
"""

from probes.access import can_run_probes
from probes.models import Checklist, ChecklistItem, Monitor, Target

# Every model whose rows probes' templates on the issue and code pages read.
SHOWN = (Checklist, ChecklistItem, Target, Monitor)
LINKS = (Checklist.issues.through, Checklist.error_codes.through)


def profile(user) -> str:
    """Only staff who may run probes see the parts (probes_tags, probes_steps)."""
    return str(int(can_run_probes(user)))


def register() -> None:
    from issues.pagecache import live

    live.register("probes", profile=profile, models=SHOWN, links=LINKS)
