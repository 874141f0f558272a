from collections.abc import Iterable, Sequence

FIELDS = ("title", "symptoms", "codes", "body", "meta")


def entry_field_texts(entry) -> dict[str, str]:
    """The analyzed text per index field, from a SearchEntry."""
    return {
        "title": entry.title_tokens,
        "symptoms": entry.symptom_tokens,
        "codes": entry.code_tokens,
        "body": entry.body_tokens,
        "meta": entry.meta_tokens,
    }


class SearchBackend:
    def replace(self, entries: Sequence) -> None:
        raise NotImplementedError

    def remove(self, ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def search(
        self,
        tokens: Sequence[str],
        *,
        public_only: bool,
        restrict: tuple[str, tuple] | None = None,
        limit: int,
        max_scored: int = 5000,
        every: Sequence[Sequence[Sequence[str]]] = (),
        max_scored_every: int | None = None,
    ) -> list[tuple[int, float]]:
        """Entries holding any of ``tokens``; first, when ``every`` is given, those
        holding every group of it (a group: alternatives, each a list of tokens that
        must all be there).

        The second stage is cheap on a large index: the database intersects posting
        lists instead of collecting every entry that holds a common word. When it
        finds ``limit`` entries they are the answer, all of them holding the whole
        query; otherwise the any-token search runs as the only one.
        """
        bounds = {"public_only": public_only, "restrict": restrict, "limit": limit}
        if every:
            found = self._ranked(
                *self.all_of(every), **bounds, max_scored=max_scored_every or max_scored
            )
            if len(found) >= limit:
                return found
        if not tokens:
            return []
        return self._ranked(*self.any_of(tokens), **bounds, max_scored=max_scored)

    def any_of(self, tokens: Sequence[str]) -> tuple[str, list]:
        """A match expression (SQL or the engine's own syntax) and its parameters."""
        raise NotImplementedError

    def all_of(self, groups: Sequence[Sequence[Sequence[str]]]) -> tuple[str, list]:
        raise NotImplementedError

    def _ranked(self, expression, params, *, public_only, restrict, limit, max_scored):
        raise NotImplementedError
