"""A resolver answering from a table, for tests and benchmarks that must not touch real DNS."""

import ipaddress

from probes.resolver import Resolution, ResolutionError


class StaticResolver:
    """Answers from a table: for tests and benchmarks that must not touch real DNS."""

    def __init__(self, table: dict[str, list[str]] | None = None):
        self.table = {k.lower(): v for k, v in (table or {}).items()}
        self.queries: list[str] = []

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        self.queries.append(name)
        if name.lower() not in self.table:
            raise ResolutionError(f"NXDOMAIN: {name} does not exist", kind="nxdomain")
        result = Resolution(name=name)
        for text in self.table[name.lower()]:
            address = ipaddress.ip_address(text)
            (result.a if address.version == 4 else result.aaaa).append(address)
        if not result.addresses:
            raise ResolutionError(f"{name} has no A or AAAA record", kind="no_answer")
        return result
