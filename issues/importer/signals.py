"""Signals the importer sends, so other apps act on imported files without issues/ importing them.

``document_imported`` is sent once per file, inside the import's transaction (a dry
run rolls the receivers' writes back too), with ``report`` (a FileReport: the parsed
file and the changes so far; receivers append their own) and ``user``. A receiver
returns True when it acted on the file's endpoint tables.
"""

from django.dispatch import Signal

document_imported = Signal()
