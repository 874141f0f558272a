"""Each monitor's schedule is a django-celery-beat PeriodicTask, kept in step on save.

Beat (DatabaseScheduler) reads these rows, so a monitor added, paused or given a
new interval in the admin is picked up without restarting anything.
"""

import json

from django.db.models.signals import post_delete, post_save
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from probes.models import Monitor

TASK = "probes.run_monitor"


def monitor_schedule_sync(*, monitor: Monitor) -> PeriodicTask:
    every, _ = IntervalSchedule.objects.get_or_create(
        every=monitor.interval_seconds, period=IntervalSchedule.SECONDS
    )
    task = PeriodicTask.objects.filter(pk=monitor.periodic_task_id).first() or PeriodicTask(
        task=TASK
    )
    task.name = f"monitor #{monitor.pk}: {monitor.name}"[:200]
    task.task = TASK
    task.interval = every
    task.crontab = task.solar = task.clocked = None
    task.args = json.dumps([monitor.pk])
    task.enabled = monitor.enabled
    task.description = "Managed by the monitor (Probes › Monitors): edit it there."
    task.save()
    if monitor.periodic_task_id != task.pk:
        Monitor.objects.filter(pk=monitor.pk).update(periodic_task=task)
        monitor.periodic_task = task
    return task


def _on_monitor_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        monitor_schedule_sync(monitor=instance)


def _on_monitor_deleted(sender, instance, **kwargs):
    if instance.periodic_task_id:
        PeriodicTask.objects.filter(pk=instance.periodic_task_id).delete()


def connect_signals() -> None:
    post_save.connect(_on_monitor_saved, sender=Monitor, dispatch_uid="probes-monitor-schedule")
    post_delete.connect(
        _on_monitor_deleted, sender=Monitor, dispatch_uid="probes-monitor-schedule-delete"
    )
