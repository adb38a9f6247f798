"""Documents stored before names were cleaned: their original name and title lose the
control and bidirectional characters (``documents.clean_name``) they may hold."""

from django.db import migrations


def clean_names(apps, schema_editor):
    from ecommune.requests.documents import clean_name

    Document = apps.get_model("ecommune_requests", "Document")
    for document in Document._base_manager.only("pk", "original_name", "title").iterator():
        original_name = clean_name(document.original_name)[:200] or "document"
        title = clean_name(document.title)[:200] or original_name
        if (original_name, title) != (document.original_name, document.title):
            Document._base_manager.filter(pk=document.pk).update(
                original_name=original_name, title=title
            )


class Migration(migrations.Migration):
    dependencies = [("ecommune_requests", "0003_inbox_canned_replies_delay_clock")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
