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
    ) -> list[tuple[int, float]]:
        raise NotImplementedError
