"""The text score (BM25F over the candidates' fields), computed in Python on both databases."""

from issues.search.analyzer import Term
from issues.search.ranking import Match, completeness, idf, score, text_score, weighted_length


def fields(**given):
    empty = {"title": [], "symptoms": [], "codes": [], "body": [], "meta": []}
    return empty | {name: text.split() for name, text in given.items()}


def scored(entry, tokens, idfs, average):
    held = set().union(*entry.values()) & set(tokens)
    sets = {name: set(tokens) for name, tokens in entry.items()}
    return text_score(entry, sets, held, idfs, weighted_length(entry), average)


def test_title_outweighs_body():
    in_title = fields(title="网关 超时", body="别的 内容")
    in_body = fields(title="别的 标题", body="网关 超时")
    idfs = {"网关": idf(2, 10)}
    average = (weighted_length(in_title) + weighted_length(in_body)) / 2
    assert scored(in_title, ["网关"], idfs, average) > scored(in_body, ["网关"], idfs, average)


def test_rare_tokens_count_more_and_absent_ones_nothing():
    entry = fields(title="网关 超时")
    idfs = {"网关": idf(900, 1000), "超时": idf(3, 1000), "缺席": idf(1, 1000)}
    average = weighted_length(entry)
    assert scored(entry, ["超时"], idfs, average) > scored(entry, ["网关"], idfs, average)
    assert scored(entry, ["缺席"], idfs, average) == 0.0


def test_shorter_entry_wins_at_equal_frequency():
    short = fields(title="网关 超时")
    long = fields(title="网关 超时 还有 很多 别的 词 在 标题 里")
    idfs = {"网关": idf(2, 10)}
    average = (weighted_length(short) + weighted_length(long)) / 2
    assert scored(short, ["网关"], idfs, average) > scored(long, ["网关"], idfs, average)


def test_idf_is_never_negative():
    assert idf(1000, 1000) > 0.0
    assert idf(0, 0) > 0.0


def _term(surface, *tokens):
    return Term(surface=surface, start=0, end=len(surface), tokens={surface, *tokens})


def test_completeness_counts_a_word_held_by_one_of_its_parts_as_that_share():
    video_meeting = _term("视频会议", "视频", "频会", "会议")
    lag = _term("卡顿")
    assert completeness(Match(1, matched_tokens={"会议"}), [video_meeting]) == 0.25
    assert completeness(Match(1, matched_tokens={"视频会议", "卡顿"}), [video_meeting, lag]) == 1
    # 收不 and 不到 together hold 收不到 whole, as the index's bigrams do.
    not_received = _term("收不到", "收不", "不到")
    assert completeness(Match(1, matched_tokens={"收不", "不到"}), [not_received]) == 1


def test_words_found_only_anywhere_count_less_for_a_kind_that_gathers_others():
    entry = Match(1, terms_found=2, title_found=0, symptoms_found=2, text_score=5.0)
    flow = Match(2, terms_found=2, title_found=0, symptoms_found=2, text_score=5.0, weight=0.5)
    ranked = score([flow, entry], term_count=2)
    assert [m.entry_id for m in ranked] == [1, 2]
    assert ranked[0].score - ranked[1].score == 15.0  # half of TERM_SHARE + TEXT_SCORE
