"""Optimistic locking: an edit made on a stale copy is refused, never silently saved.

Every editable model carries a ``version`` counter. Saving an existing row only
succeeds when the row in the database still has the version the editor loaded;
the compare-and-increment is a single UPDATE, so two concurrent saves cannot
both win, whichever path (admin, service, import) they come from.
"""

from django.db import models, transaction


class StaleEditError(Exception):
    """The row changed since the editor loaded it."""

    def __init__(self, instance: models.Model):
        self.instance = instance
        super().__init__(
            f"{instance._meta.verbose_name} “{instance}” was changed by someone else "
            "after you opened it. Reload it and apply your edit again."
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding or kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or self._state.db
        expected = self.version
        with transaction.atomic(using=using):
            claimed = (
                type(self)
                ._base_manager.using(using)
                .filter(pk=self.pk, version=expected)
                .update(version=expected + 1)
            )
            if not claimed:
                raise StaleEditError(self)
            self.version = expected + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
            return super().save(*args, **kwargs)
