"""Every search weight in one place, so tuning never means hunting through modules.

The database finds candidates; the re-rank (ranking.py) then puts an exact error
code first, entries whose title or symptoms hold the query's words next, and the
text score (BM25F over the candidates' fields) last.
"""

# Per indexed field, for the text score (ranking.text_score). PostgreSQL's tsvector
# keeps one of four classes per field (A highest).
FIELD_WEIGHTS = {"title": 10.0, "symptoms": 6.0, "codes": 8.0, "body": 1.0, "meta": 2.0}
PG_WEIGHT_CLASS = {"title": "A", "codes": "A", "symptoms": "B", "meta": "C", "body": "D"}
# BM25's usual term-frequency saturation and length normalisation.
BM25_K1 = 1.2
BM25_B = 0.75

# Entries taken in index order once the candidate search can no longer prove its page
# (candidates.POOL ran out, or the query's terms cannot be levelled). The database stops
# at this many: it never scores matching rows.
CANDIDATES = 60
# A candidate must contain at least this share of the query's terms (OR, not AND:
# callers add words no entry has, but an entry matching one word of ten is noise).
# Terms found in no candidate at all ("换成我们公司的图片") cannot tell entries apart and
# are left out of the share.
MIN_TERM_SHARE = 0.5
# Closest entries shown when nothing passes: any entry holding this share of the terms
# (0: one term is enough).
CLOSEST_TERM_SHARE = 0.0

# Re-rank: tiers first, then a blend scored in [0, 100].
EXACT_SIGNED_CODE = 3000.0  # "-1019" typed, "-1019" stored
EXACT_UNSIGNED_CODE = 2000.0  # "1019" typed, "-1019" stored
EXACT_CONSTANT = 3000.0  # kTMSDKErrorTokenVerifyFailed in any case
EXPLAINS_EXACT_CODE = 150.0  # an issue that explains the code typed
TITLE_SHARE = 40.0  # share of query terms found in the title
SYMPTOM_SHARE = 30.0  # … in the symptoms (and summary)
TERM_SHARE = 20.0  # … anywhere
TEXT_SCORE = 10.0  # BM25F over the candidates, scaled to the best one
PHRASE = 30.0  # the whole query appears verbatim (a pasted error message)
PHRASE_MIN_CHARS = 4
# A guided flow gathers the words of every entry it leads to, so it holds them all about as
# well as each entry holds its own. Words found only "anywhere" in a flow count this much:
# the entry that answers comes first, and the flow leads where its own title and questions
# answer ("登录失败 排查").
KIND_WEIGHT = {"flow": 0.5}

# A logged search whose best result scores below this found only weak matches (a content
# gap, gaps/sources.py). On the blend above, an entry holding the query's words in its
# title and symptoms scores 80-130; one holding a single common word of it ("会议" of
# 视频会议卡顿) in its symptoms and text about 60. Exact codes score far above.
WEAK_BEST_SCORE = 75.0
# … and so is one whose best result holds less than this share of the query whole (an
# entry found through one part of one word): its logged score is scaled by that share.
WEAK_COVERAGE = 0.5
# A best bet (an entry editors pinned for one query) scores this much above the best
# other result, so it is first for exactly its query.
BEST_BET = 1.0
