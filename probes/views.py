"""Probes UI (staff with the run permission): checklists, run forms, live run pages, history."""

from collections import Counter
from http import HTTPStatus

from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kbsite.ratelimit import RateLimited
from probes.access import probes_staff_required
from probes.charts import latency_chart
from probes.forms import AdhocRunForm, ChecklistRunForm
from probes.models import Checklist, Monitor, MonitorState, ProbeRun, Target
from probes.serializers import result_full
from probes.services import ProbeRequestError, probe_run_create, probe_run_enqueue
from probes.status import monitor_rows, state_history

HISTORY_LENGTH = 60


def _start(request, form, **run_args):
    """Create and start a run from a valid form; on refusal put the reason on the form."""
    try:
        run = probe_run_create(user=request.user, source="web", **run_args)
    except RateLimited as exc:
        form.add_error(None, _("Too many runs: try again in %(s)d s.") % {"s": exc.retry_after})
        return None, HTTPStatus.TOO_MANY_REQUESTS
    except ProbeRequestError as exc:
        form.add_error(None, str(exc))
        return None, HTTPStatus.BAD_REQUEST
    probe_run_enqueue(run=run)
    return run, HTTPStatus.FOUND


@require_GET
@probes_staff_required
def index(request):
    checklists = Checklist.objects.annotate(item_count=Count("items")).order_by("title")
    return render(
        request,
        "probes/index.html",
        {
            "checklists": checklists,
            "adhoc_form": AdhocRunForm(),
            "runs": ProbeRun.objects.recent()[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@probes_staff_required
def checklist_detail(request, slug):
    checklist = get_object_or_404(Checklist.objects.prefetch_related("issues"), slug=slug)
    form = ChecklistRunForm(request.POST or None, checklist=checklist)
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            run, status = _start(
                request,
                form,
                checklist=checklist,
                params=form.parameters(),
                timeout=form.cleaned_data["timeout"],
            )
            if run:
                return redirect(run)
    context = {
        "checklist": checklist,
        "items": checklist.ordered_items(),
        "error_codes": checklist.error_codes.select_related("product"),
        "form": form,
        "runs": checklist.runs.recent()[:10],
    }
    return render(request, "probes/checklist_detail.html", context, status=status)


@require_POST
@probes_staff_required
def adhoc_run(request):
    form = AdhocRunForm(request.POST)
    status = HTTPStatus.BAD_REQUEST
    if form.is_valid():
        run, status = _start(
            request,
            form,
            targets=form.cleaned_data["targets"],
            timeout=form.cleaned_data["timeout"],
        )
        if run:
            return redirect(run)
    context = {
        "checklists": Checklist.objects.annotate(item_count=Count("items")),
        "adhoc_form": form,
        "runs": ProbeRun.objects.recent()[:20],
    }
    return render(request, "probes/index.html", context, status=status)


def _run_results(run):
    return run.results.select_related("fix_issue", "target").order_by("position", "pk")


@require_GET
@probes_staff_required
def run_detail(request, pk):
    run = get_object_or_404(ProbeRun.objects.recent().select_related("monitor"), pk=pk)
    return render(request, "probes/run_detail.html", {"run": run, "results": _run_results(run)})


@require_GET
@probes_staff_required
def run_status(request, pk):
    """What the run page polls: each row as data and as the server-rendered table row."""
    run = get_object_or_404(ProbeRun, pk=pk)
    rows = []
    for row in _run_results(run):
        data = result_full(row)
        data["html"] = render_to_string("probes/_result_row.html", {"result": row}, request=request)
        rows.append(data)
    return JsonResponse(
        {
            "run": run.pk,
            "status": run.status,
            "status_label": run.get_status_display(),
            "done": run.is_finished,
            "failure": run.failure,
            "results": rows,
        }
    )


@require_GET
@probes_staff_required
def target_history(request, pk):
    target = get_object_or_404(Target, pk=pk)
    recent = list(
        target.results.exclude(outcome="")
        .select_related("run", "run__user", "fix_issue")
        .order_by("-finished_at")[:HISTORY_LENGTH]
    )
    recent.reverse()
    context = {
        "target": target,
        "results": list(reversed(recent)),
        "chart": latency_chart(recent),
        "checklists": Checklist.objects.filter(items__target=target).distinct(),
    }
    return render(request, "probes/target_history.html", context)


@require_GET
@probes_staff_required
def status(request):
    """Every monitor: its state, since when, last check, and uptime per day (bars)."""
    rows = monitor_rows()
    counts = Counter(row.monitor.state for row in rows if row.monitor.enabled)
    summary = [(state, label, counts[state]) for state, label in MonitorState.choices]
    return render(request, "probes/status.html", {"monitors": rows, "summary": summary})


@require_GET
@probes_staff_required
def monitor_detail(request, pk):
    monitor = get_object_or_404(
        Monitor.objects.select_related("checklist", "target", "owner"), pk=pk
    )
    context = {
        "monitor": monitor,
        "row": monitor_rows(Monitor.objects.filter(pk=monitor.pk))[0],
        "changes": state_history(monitor),
        "runs": monitor.runs.recent()[:20],
    }
    return render(request, "probes/monitor_detail.html", context)
