"""The text score (BM25F over the candidates' fields), computed in Python on both databases."""

from issues.search.ranking import idf, text_score, weighted_length


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
