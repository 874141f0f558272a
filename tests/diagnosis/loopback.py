"""Point a shipped checklist at loopback listeners, for tests only.

The shipped sdk-firewall checklist names real hosts on ports 80/443/8080/8081.
Tests keep its names (resolved to 127.0.0.1 by a static table) and move each
port to a loopback listener, so nothing ever dials a real host.
"""

from probes.models import Checklist
from probes.targets import spec_from_target


def loopback_names(checklist: Checklist, params: dict) -> dict[str, list[str]]:
    """Every host the checklist dials with these parameters → 127.0.0.1."""
    names = {}
    for item in checklist.ordered_items():
        spec = spec_from_target(item.target, params=params)
        if spec.is_valid and spec.host.name:
            names[spec.host.name] = ["127.0.0.1"]
    return names


def move_ports(checklist: Checklist, ports: dict[tuple[str, str], int]) -> None:
    """(kind, shipped port) → loopback port, for every target of the checklist."""
    for item in checklist.ordered_items():
        target = item.target
        target.port = str(ports[(target.kind, target.port)])
        target.save(update_fields=["port"])
