"""Everything that makes reader pages fast: shared whole pages, content fragments, the
content generation, view counts, HTTP validators and the release digest.

Views call one module, ``responses`` (``issue_response``, ``code_response`` …);
the knowledge core never imports this package. How it works: docs/caching.md.
"""
