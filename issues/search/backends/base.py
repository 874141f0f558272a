from collections.abc import Iterable, Sequence

FIELDS = ("title", "symptoms", "codes", "body", "meta")
# The fields staff type a problem into: an entry holding every term there is the
# best candidate there is, and the re-rank puts it above body-only hits.
HEADLINE_FIELDS = ("title", "symptoms")


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
        every: Sequence[Sequence[Sequence[str]]] = (),
    ) -> list[int]:
        """Ids of up to ``limit`` entries holding any of ``tokens``; first, when
        ``every`` is given, those holding every group of it (a group: alternatives,
        each a list of tokens that must all be there), and before them those holding
        every group in their title or symptoms.

        The database only finds entries, in its index's order, and stops at ``limit``:
        it never scores them. Scoring every entry that holds a common word is what
        made a query slow on a large index (bm25 counts each token's whole posting
        list; ts_rank reads each matching row), and the re-rank scores the few
        candidates itself (ranking.text_score), the same way on both databases.
        Entries holding every term are the best candidates there are, so they come
        first; the any-token search fills the list when there are too few of them.
        On a large index more than ``limit`` entries may hold every term in their
        body alone, and the index's order would leave out the one whose title says
        what was typed: so the entries holding every term in their title or
        symptoms are asked for first.
        """
        bounds = {"public_only": public_only, "restrict": restrict}
        found: list[int] = []
        if every:
            found = self._holding_every(every, **bounds, limit=limit, fields=HEADLINE_FIELDS)
            if len(found) < limit:
                found = _merged(found, self._holding_every(every, **bounds, limit=limit))
            if len(found) >= limit or not tokens:
                return found[:limit]
        if not tokens:
            return []
        more = self._matching(*self.any_of(tokens), **bounds, limit=limit + len(found))
        return _merged(found, more)[:limit]

    def matching_all(
        self, conditions, *, public_only: bool, restrict=None, limit: int
    ) -> list[int]:
        """Ids of up to ``limit`` entries meeting every condition, a (groups, fields)
        pair: every group held in one of ``fields`` (None: anywhere). Unscored."""
        return self._matching(
            *self.all_conditions(conditions),
            public_only=public_only,
            restrict=restrict,
            limit=limit,
        )

    def all_conditions(self, conditions) -> tuple[str, list]:
        raise NotImplementedError

    def any_of(self, tokens: Sequence[str]) -> tuple[str, list]:
        """A match expression (SQL or the engine's own syntax) and its parameters."""
        raise NotImplementedError

    def all_of(
        self, groups: Sequence[Sequence[Sequence[str]]], *, fields: Sequence[str] = FIELDS
    ) -> tuple[str, list]:
        """Every group held, each in one of ``fields`` (all fields by default)."""
        raise NotImplementedError

    def _holding_every(
        self, groups, *, public_only, restrict, limit, fields: Sequence[str] = FIELDS
    ) -> list[int]:
        """Entries holding every group in ``fields``; ``groups`` come rarest first."""
        return self._matching(
            *self.all_of(groups, fields=fields),
            public_only=public_only,
            restrict=restrict,
            limit=limit,
        )

    def _matching(self, expression, params, *, public_only, restrict, limit) -> list[int]:
        raise NotImplementedError


def _merged(first: list[int], then: list[int]) -> list[int]:
    """``first``, then the ids of ``then`` not in it, in order."""
    seen = set(first)
    return first + [pk for pk in then if pk not in seen]
