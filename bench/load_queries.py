"""The search queries bench/load.sh sends: bench/search_bench.py's query mix, URL-encoded.

    .venv/bin/python bench/load_queries.py [--count 300] > queries.txt

The same generator and seed as the search benchmark (codes in every spelling,
constants, Chinese symptoms, English and traditional-Chinese words), with the
error codes kbsite ships in place of the benchmark's synthetic ones, so the load
server (which holds the shipped content) finds codes as well as misses. One
query per line, ready to follow ``?q=``.
"""

import argparse
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import query_mix  # noqa: E402  (a sibling script, not a package)

FIXTURES = ("kb_meeting_sdk.json", "kb_platform_faq.json")


def shipped_codes() -> list[SimpleNamespace]:
    codes = []
    for name in FIXTURES:
        for row in json.loads((ROOT / "fixtures" / name).read_text(encoding="utf-8")):
            if row["model"] == "issues.errorcode":
                fields = row["fields"]
                # query_mix asks for a constant; codes without one are typed as codes.
                constant = fields.get("constant") or fields["code"]
                codes.append(SimpleNamespace(code=fields["code"], constant=constant))
    return codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    for query in query_mix(shipped_codes(), args.count):
        print(quote(query, safe=""))


if __name__ == "__main__":
    main()
