"""kbsite: a troubleshooting knowledge base."""

__version__ = "0.1.0"
