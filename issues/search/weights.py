"""Every search weight in one place, so tuning never means hunting through modules.

Database weights shape the candidate list; the re-rank (ranking.py) then puts an
exact error code first, entries whose title or symptoms hold the query's words
next, and the database score last.
"""

# Per indexed field. SQLite gives them to bm25() as column weights; PostgreSQL has
# four classes, so each field maps to one (A highest) and each class has a weight.
FIELD_WEIGHTS = {"title": 10.0, "symptoms": 6.0, "codes": 8.0, "body": 1.0, "meta": 2.0}
PG_WEIGHT_CLASS = {"title": "A", "codes": "A", "symptoms": "B", "meta": "C", "body": "D"}
PG_CLASS_WEIGHTS = {"D": 0.1, "C": 0.2, "B": 0.6, "A": 1.0}

# How many entries the database hands to the re-rank.
CANDIDATES = 60
# Tokens held by more entries than this are left out of the database query (the
# re-rank still uses them): max(COMMON_MIN_ENTRIES, COMMON_SHARE × all entries).
COMMON_MIN_ENTRIES = 1000
COMMON_SHARE = 0.02
# The database scores at most this many matching entries per query.
MAX_SCORED = 1000
# … and this many when it asks first for the entries holding every term: each of
# them holds the whole query, so the re-rank (title and symptom shares) decides
# among them, and the database score only picks which CANDIDATES it sees.
MAX_SCORED_EVERY_TERM = 300
# A candidate must contain at least this share of the query's terms (OR, not AND:
# callers add words no entry has, but an entry matching one word of ten is noise).
# Terms found in no candidate at all ("换成我们公司的图片") cannot tell entries apart and
# are left out of the share.
MIN_TERM_SHARE = 0.5
# Closest entries shown when nothing passes: any entry matching this share.
CLOSEST_TERM_SHARE = 0.0

# Re-rank: tiers first, then a blend scored in [0, 100].
EXACT_SIGNED_CODE = 3000.0  # "-1019" typed, "-1019" stored
EXACT_UNSIGNED_CODE = 2000.0  # "1019" typed, "-1019" stored
EXACT_CONSTANT = 3000.0  # kTMSDKErrorTokenVerifyFailed in any case
EXPLAINS_EXACT_CODE = 150.0  # an issue that explains the code typed
TITLE_SHARE = 40.0  # share of query terms found in the title
SYMPTOM_SHARE = 30.0  # … in the symptoms (and summary)
TERM_SHARE = 20.0  # … anywhere
DATABASE_SCORE = 10.0  # bm25 / ts_rank, scaled to the best candidate
PHRASE = 30.0  # the whole query appears verbatim (a pasted error message)
PHRASE_MIN_CHARS = 4
