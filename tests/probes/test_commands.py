import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from probes.models import ProbeRun, Target
from tests.probes.factories import make_checklist

pytestmark = pytest.mark.django_db


def probe(*args):
    out = StringIO()
    try:
        call_command("probe", *args, stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def test_json_output_has_the_documented_shape_and_targets_as_given(open_tcp_port):
    given = f"tcp://127.0.0.1:{open_tcp_port}"
    code, out = probe(given, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["run"] == ProbeRun.objects.get().pk
    assert list(data) == ["run", "results"]
    (result,) = data["results"]
    assert list(result) == [
        "target",
        "kind",
        "outcome",
        "addresses",
        "timings_ms",
        "details",
        "explanation",
    ]
    assert result["target"] == given and result["outcome"] == "ok"


def test_exit_code_is_1_when_any_check_is_not_ok(open_tcp_port, closed_tcp_port):
    code, out = probe(
        f"tcp://127.0.0.1:{open_tcp_port}", f"tcp://127.0.0.1:{closed_tcp_port}", "--json"
    )
    assert code == 1
    assert [r["outcome"] for r in json.loads(out)["results"]] == ["ok", "refused"]


def test_checklist_with_params_and_timeout(open_tcp_port):
    make_checklist(
        Target(kind="tcp", host="{prefix}.test", port=str(open_tcp_port)),
        slug="fw",
        parameters=["prefix"],
    )
    code, out = probe("--checklist", "fw", "--param", "prefix=good", "--timeout", "1.5", "--json")
    assert code == 0
    assert json.loads(out)["results"][0]["target"] == f"tcp://good.test:{open_tcp_port}"
    assert ProbeRun.objects.get().timeout == 1.5


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--checklist", "missing"),
        ("tcp://a.test:1", "--param", "a=b"),
        ("tcp://a.test:1", "--timeout", "0"),
        ("--checklist", "fw", "--param", "novalue"),
    ],
)
def test_bad_usage_exits_2(args):
    make_checklist(Target(kind="dns", host="a.test"), slug="fw")
    with pytest.raises(CommandError) as caught:
        call_command("probe", *args, stdout=StringIO())
    assert caught.value.returncode == 2


def test_plain_output_names_each_outcome(closed_tcp_port):
    code, out = probe(f"tcp://127.0.0.1:{closed_tcp_port}")
    assert code == 1
    assert "refused" in out and str(closed_tcp_port) in out


def test_command_line_exit_codes_from_a_real_process():
    """manage.py turns bad usage into exit status 2 (argparse and CommandError alike)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "probe", "--no-such-option"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_progress_is_shown_on_a_terminal(open_tcp_port):
    out = _Terminal()
    call_command("probe", f"tcp://127.0.0.1:{open_tcp_port}", stdout=out)
    assert "[1/1]" in out.getvalue()


def test_no_progress_lines_when_not_a_terminal(open_tcp_port):
    code, out = probe(f"tcp://127.0.0.1:{open_tcp_port}")
    assert code == 0 and "[1/1]" not in out
