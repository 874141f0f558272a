from collections.abc import Iterable, Sequence

FIELDS = ("title", "symptoms", "codes", "body", "meta")
# The fields staff type a problem into (PostgreSQL keeps them in a column of their own).
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

    def matching_any(
        self, tokens: Sequence[str], *, public_only: bool, restrict=None, limit: int
    ) -> list[int]:
        """Ids of up to ``limit`` entries holding any of ``tokens``, in the index's order.

        The database only finds entries and stops at ``limit``: it never scores them.
        Scoring every entry that holds a common word is what made a query slow on a
        large index (bm25 counts each token's whole posting list; ts_rank reads each
        matching row); the re-rank scores the candidates itself (ranking.text_score),
        the same way on both databases, and candidates.select decides which to ask for.
        """
        if not tokens:
            return []
        return self._matching(
            *self.any_of(tokens), public_only=public_only, restrict=restrict, limit=limit
        )

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

    def _matching(self, expression, params, *, public_only, restrict, limit) -> list[int]:
        raise NotImplementedError
