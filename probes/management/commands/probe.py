"""manage.py probe TARGET… [--checklist SLUG] [--param k=v] [--timeout S] [--json]

Runs the checks from this server through the same guard as the web UI and
records the run. Exit code: 0 when every check is ok (or not applicable on this
server, like ICMP without permission), 1 when any is not, 2 on bad usage.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from probes.models import Checklist
from probes.outcomes import is_failure
from probes.serializers import result_core
from probes.services import ProbeRequestError, probe_run_create, probe_run_execute


class UsageError(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=2)


def parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param takes name=value, got {pair!r}")
        params[name.strip()] = value
    return params


class Command(BaseCommand):
    help = (
        "Check connectivity from this server. TARGET is tcp://host:port, tls://host:port, "
        "udp://host:port, http(s)://host[:port]/path, dns:host or icmp:host."
    )

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="*", metavar="TARGET")
        parser.add_argument("--checklist", metavar="SLUG", help="run a stored checklist")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a checklist parameter, e.g. --param sso_prefix=mycompany",
        )
        parser.add_argument("--timeout", type=float, metavar="S", help="seconds per check")
        parser.add_argument("--json", action="store_true", help="print the results as JSON")

    def handle(self, *args, **options):
        targets, slug = options["targets"], options["checklist"]
        if bool(targets) == bool(slug):
            raise UsageError("give TARGET… or --checklist SLUG (not both)")
        checklist = None
        if slug:
            checklist = Checklist.objects.filter(slug=slug).first()
            if checklist is None:
                known = ", ".join(Checklist.objects.values_list("slug", flat=True)) or "none"
                raise UsageError(f"no checklist {slug!r} (known: {known})")
        params = parse_params(options["param"])
        if params and not checklist:
            raise UsageError("--param applies to --checklist only")
        try:
            run = probe_run_create(
                user=None,
                source="cli",
                checklist=checklist,
                params=params if checklist else None,
                targets=targets,
                timeout=options["timeout"],
            )
        except ProbeRequestError as exc:
            raise UsageError(str(exc)) from exc
        total = run.results.count()
        show_progress = not options["json"] and self.stdout.isatty()
        done = []

        def progress(row):
            done.append(row)
            if show_progress:
                self.stdout.write(f"[{len(done)}/{total}] {row.target_text}: {row.outcome}")

        if show_progress:
            self.stdout.write(f"Run #{run.pk}: {total} check(s), {run.timeout:g} s timeout each…")
        probe_run_execute(run=run, on_result=progress)
        results = list(run.results.select_related("fix_issue").order_by("position", "pk"))
        if options["json"]:
            payload = {"run": run.pk, "results": [result_core(row) for row in results]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_table(results)
        if any(is_failure(row.outcome) for row in results):
            sys.exit(1)

    def _print_table(self, results):
        for row in results:
            style = self.style.SUCCESS if not is_failure(row.outcome) else self.style.ERROR
            total = row.timings_ms.get("total")
            timing = f" {total:.0f} ms" if total is not None else ""
            addresses = f" [{', '.join(row.addresses)}]" if row.addresses else ""
            self.stdout.write(
                style(f"{row.outcome:<13}") + f" {row.target_text}{addresses}{timing}"
            )
            reason = row.details.get("reason")
            if reason:
                self.stdout.write(f"              {reason}")
