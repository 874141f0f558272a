"""Feedback comments are masked before they are stored; mask the ones stored before."""

from django.db import migrations

from kbsite.privacy import mask_personal_data


def mask_comments(apps, schema_editor):
    Feedback = apps.get_model("issues", "Feedback")
    for row in Feedback.objects.exclude(comment="").only("pk", "comment").iterator():
        masked = mask_personal_data(row.comment)
        if masked != row.comment:
            Feedback.objects.filter(pk=row.pk).update(comment=masked)


class Migration(migrations.Migration):
    dependencies = [("issues", "0005_feedback_on_error_codes")]

    operations = [migrations.RunPython(mask_comments, migrations.RunPython.noop)]
