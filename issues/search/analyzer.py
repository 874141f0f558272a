"""The one analyzer: the same tokens for the text we index and the text staff type.

NFKC, traditional → simplified, jieba words plus bigrams, camelCase parts, unsigned
numbers; why each step exists: docs/search.md#one-analyzer.
"""

import logging
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import jieba
import opencc

USER_DICTIONARY = Path(__file__).with_name("userdict.txt")

# A "run" is a stretch of one script: Chinese (CJK ideographs) or ASCII letters and digits.
_RUNS = re.compile(r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|(?P<word>[a-z0-9]+)")
# camelCase parts of the word as written: "kTMSDKErrorToken" → k, TMSDK, Error, Token.
_CAMEL_PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_ASCII_WORD_AS_WRITTEN = re.compile(r"[A-Za-z0-9]+")

# Words that carry no meaning in a helpdesk query. Dropped from queries only: in a
# document they cost nothing, and bigrams already cover them.
QUERY_STOPWORDS = frozenset(
    """
    的 了 是 在 我 我们 你 你们 他 她 它 这 那 这个 那个 这边 那边 就 都 也 还 又 和 与 及 或
    吗 呢 吧 啊 呀 哦 嗯 么 一直 一下 总是 老是 怎么 怎么办 怎样 如何 为什么 为啥 咋 咋办 啥
    请问 请 帮忙 帮 看看 看下 有没有 什么 时候 出现 现在 然后 但是 可是 不过 说 问 显示 客户
    用户 一个 问题 情况 the a an to of in on is are was it its my how why what do does can
    cannot not with for and or please help when has have had be been get got i me we you our
    your this that there after
    """.split()
)

_lock = threading.Lock()
_t2s = None
_tokenizer = None
_ascii_splits: dict[str, list[str]] = {}


def _converter():
    global _t2s
    if _t2s is None:
        with _lock:
            if _t2s is None:
                _t2s = opencc.OpenCC("t2s")
    return _t2s


def _jieba():
    """One jieba tokenizer per process, built on first use (it takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                # The prefix-dictionary cache goes to the temp dir, never into the repository.
                tokenizer.tmp_dir = tempfile.gettempdir()
                tokenizer.initialize()
                chinese, ascii_words = _read_user_dictionary()
                for word, freq, tag in chinese:
                    tokenizer.add_word(word, freq, tag)
                for word in ascii_words:
                    # A lowercase entry ("ipv6", "ios") means: never split this word.
                    parts = [word] if word.islower() else _CAMEL_PARTS.findall(word)
                    _ascii_splits[word.lower()] = [p.lower() for p in parts]
                _tokenizer = tokenizer
    return _tokenizer


def _read_user_dictionary():
    chinese, ascii_words = [], []
    for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        word = parts[0]
        if _RUNS.fullmatch(word.lower()) and word.isascii():
            ascii_words.append(word)
        else:
            freq = int(parts[1]) if len(parts) > 1 else None
            tag = parts[2] if len(parts) > 2 else None
            chinese.append((word, freq, tag))
    return chinese, ascii_words


def fold(text: str) -> str:
    """NFKC, traditional → simplified, lowercase: the form every comparison uses."""
    text = unicodedata.normalize("NFKC", text or "")
    return _converter().convert(text).lower()


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` plus, for each folded character, the index of its source character.

    Highlighting finds terms in the folded text and marks the original one.
    """
    if unicodedata.is_normalized("NFKC", text):  # the common case: one to one
        simplified = _converter().convert(text)
        if len(simplified) == len(text):
            lowered = simplified.lower()
            if len(lowered) == len(text):
                return lowered, list(range(len(text)))
    # Each character on its own (Chinese text is rarely NFKC-normal: its full-width
    # punctuation is not), memoised: a dictionary lookup per character, not a call.
    pieces = [_NFKC_CHAR.get(char) or _nfkc_char(char) for char in text]
    nfkc = "".join(pieces)
    if len(nfkc) == len(text):
        offsets = list(range(len(text)))
    else:
        offsets = [index for index, piece in enumerate(pieces) for _ in piece]
    simplified = _converter().convert(nfkc)
    if len(simplified) != len(nfkc):  # a phrase conversion changed length: go char by char
        simplified = "".join(_converter().convert(c) or c for c in nfkc)
    lowered = simplified.lower()
    if len(lowered) != len(simplified):  # e.g. "İ" lowercases to two characters
        lowered = "".join(c.lower()[:1] or c for c in simplified)
    return lowered, offsets


_NFKC_CHAR: dict[str, str] = {}


def _nfkc_char(char: str) -> str:
    # Never empty, so a piece per character keeps the offsets aligned.
    folded = _NFKC_CHAR[char] = unicodedata.normalize("NFKC", char) or char
    return folded


def _ascii_parts(word_as_written: str) -> list[str]:
    """The parts of an ASCII word: its camelCase parts, or the user dictionary's split."""
    lowered = word_as_written.lower()
    _jieba()  # loads the user dictionary, ASCII words included
    if lowered in _ascii_splits:  # the user dictionary knows this word best
        return _ascii_splits[lowered]
    # Digits glued to letters ("win10", "ipv6") are not numbers of their own: a lone
    # "6" would meet error code 6.
    return [p.lower() for p in _CAMEL_PARTS.findall(word_as_written) if not p.isdigit()]


def ascii_tokens(word_as_written: str) -> list[str]:
    """A word, its parts and each pair of adjacent parts: refreshSDKToken → …, sdktoken."""
    lowered = word_as_written.lower()
    if lowered.isdigit():
        return [lowered.lstrip("0") or "0"]
    parts = _ascii_parts(word_as_written)
    tokens = [lowered]
    if len(parts) > 1:
        tokens += parts
        tokens += [a + b for a, b in pairwise(parts)]
    return list(dict.fromkeys(t for t in tokens if t))


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _as_written_words(text: str) -> dict[str, str]:
    """Lowercase word → the word as written (with its case), to find camelCase parts."""
    nfkc = unicodedata.normalize("NFKC", text or "")
    return {w.lower(): w for w in _ASCII_WORD_AS_WRITTEN.findall(nfkc)}


def analyze(text: str) -> list[str]:
    """The tokens of a document field, in order (repeats kept: they count for bm25).

    jieba runs without its HMM guesser: guessed words differ with context, so the
    same unknown phrase could split one way in an entry and another in a query.
    Dictionary words plus bigrams are stable, and cheaper.
    """
    as_written = _as_written_words(text)
    tokens: list[str] = []
    for match in _RUNS.finditer(fold(text)):
        run = match.group()
        if match.lastgroup == "word":
            tokens += ascii_tokens(as_written.get(run, run))
            continue
        tokens += _han_tokens(run)
    return tokens


@lru_cache(maxsize=1 << 16)
def _han_tokens(run: str) -> tuple[str, ...]:
    """One Chinese run's tokens: a run is cut on its own (no context crosses its ends),
    so the same run always gives the same tokens, and a rebuild meets the same phrases
    ("重启服务器后", a product's name) thousands of times: each is cut once per process."""
    words = [w for w in _jieba().cut_for_search(run, HMM=False) if len(w) > 1]
    tokens = words + [b for b in bigrams(run) if b not in words]
    if len(run) == 1:
        tokens.append(run)
    return tuple(tokens)


@dataclass
class Term:
    """One word of a query. It counts as found when any of its tokens is in an entry."""

    surface: str
    start: int
    end: int
    tokens: set[str] = field(default_factory=set)
    is_number: bool = False
    # Synonyms: each a set of words that must all be present to stand in for this term.
    alternatives: list[frozenset[str]] = field(default_factory=list)

    @property
    def is_single_character(self) -> bool:
        return len(self.surface) == 1 and not self.surface.isascii()


def analyze_query(text: str) -> tuple[str, list[Term]]:
    """The folded query and its terms (stopwords dropped), each with its tokens."""
    tokenizer = _jieba()
    folded = fold(text)
    as_written = _as_written_words(text)
    terms: list[Term] = []
    for match in _RUNS.finditer(folded):
        run, offset = match.group(), match.start()
        if match.lastgroup == "word":
            tokens = ascii_tokens(as_written.get(run, run))
            terms.append(Term(run, match.start(), match.end(), set(tokens), run.isdigit()))
            continue
        for word, start, end in tokenizer.tokenize(run, HMM=False):
            if word in QUERY_STOPWORDS:
                continue
            tokens = set(bigrams(word)) | {
                w for w in tokenizer.cut_for_search(word, HMM=False) if len(w) > 1
            }
            if len(word) == 1:
                # A lone character is too common to search alone: pair it with its neighbours.
                tokens = {run[i : i + 2] for i in (start - 1, start) if 0 <= i < len(run) - 1}
                if not tokens:
                    tokens = {word}
            else:
                tokens.add(word)
            terms.append(Term(word, offset + start, offset + end, tokens))
    return folded, terms


@lru_cache(maxsize=4096)
def member_words(member: str) -> frozenset[str]:
    """The words of a synonym, all needed for it to count ("已经登录" → 已经 + 登录).

    All of them, not any: a synonym sharing one common word with every entry
    ("登录") would otherwise make the term match everything.
    """
    _, terms = analyze_query(member)
    words = {t.surface for t in terms if not t.is_single_character}
    return frozenset(words or {token for t in terms for token in t.tokens})
