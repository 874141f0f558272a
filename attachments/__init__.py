"""Images and files shown in entries: validated, re-encoded, stored, served with safe headers.

See docs/attachments.md.
"""
