"""Builds every adapter from Settings; the CLI, tests (and later flows and web) all start here."""

from __future__ import annotations

import gc
import getpass
from dataclasses import dataclass

from roadmap.data import load_fidelity_scale, load_reminder_rules, load_roadmap, load_visit_policy
from roadmap.domain.audit import Actor
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.permission import Principal, flow, operator
from roadmap.domain.reminder_rules import ReminderRules
from roadmap.domain.visit import VisitPolicy
from roadmap.services.outbox import PageLinks
from roadmap.services.sweep import Policies
from roadmap.services.visits import VisitRules
from roadmap.settings import Settings
from roadmap.store import Database, SqlUnitOfWork


@dataclass
class Application:
    """The roadmap definition and the database one process works with."""

    settings: Settings
    roadmap: Roadmap
    scale: FidelityScale
    reminder_rules: ReminderRules
    visit_policy: VisitPolicy
    database: Database
    # Who this process acts as when no one else is named: the OS user on the CLI, `flow` for scheduled runs.
    who: Principal

    @property
    def cadence(self) -> CadenceRules:
        """The state's review cadence."""
        return self.settings.cadence

    @property
    def policies(self) -> Policies:
        """The rules a sweep runs with: roadmap, scale, cadence, reminder rules, retries, templates."""
        web = self.settings.web
        return Policies(
            roadmap=self.roadmap,
            scale=self.scale,
            cadence=self.cadence,
            reminders=self.reminder_rules,
            retry=self.settings.retry,
            templates=self.settings.templates_dir,
            links=PageLinks(web.base_url, web.link_days) if web.base_url else None,
        )

    @property
    def visit_rules(self) -> VisitRules:
        """What visit planning follows: the routines, the review cadence and the visits file."""
        return VisitRules(roadmap=self.roadmap, cadence=self.cadence, policy=self.visit_policy)

    def uow(self, who: Principal | None = None) -> SqlUnitOfWork:
        """A new unit of work (one transaction) for this process's principal, or `who` (a signed-in user, a link).

        The use cases check what the principal may do; its changes are audited under its name.
        """
        return SqlUnitOfWork(self.database, who or self.who)

    def close(self) -> None:
        """Release database connections."""
        self.database.dispose()


# The cyclic garbage collector's first threshold: objects allocated (net) between two young collections.
# Python's 700 suits programs that make little garbage; this one builds states whole (10,000 agencies are about
# 150,000 objects, all kept), and each collection walked what had just been built, about 40% of listing them.
# Garbage is counted, not cycled, in this code: little waits longer for the collector.
COLLECT_AFTER = 50_000


def build(settings: Settings, *, via: str = "cli") -> Application:
    """Load the roadmap and open the database named by the settings; changes are made by this OS user `via`."""
    gc.set_threshold(COLLECT_AFTER, 20, 20)  # the process's setting: every command, page and flow builds an app
    roadmap = load_roadmap(settings.roadmap_file, settings.routines_file)
    return Application(
        settings=settings,
        roadmap=roadmap,
        scale=load_fidelity_scale(settings.fidelity_scale_file),
        reminder_rules=load_reminder_rules(settings.reminder_rules_file),
        visit_policy=load_visit_policy(roadmap.routines, settings.visits_file),
        database=Database(settings.database_url.get_secret_value(), sqlite_wait=settings.sqlite_wait_seconds),
        who=flow() if via == "flow" else operator(Actor(name=os_user(), via=via)),
    )


def os_user() -> str:
    """The name of the user running this process, as the audit trail records it."""
    try:
        return getpass.getuser()[:120] or "unknown"
    except (KeyError, OSError):  # no login name and no passwd entry (some containers)
        return "unknown"
