"""No outside network request at run time: the pipeline runs in a network namespace with no
route out, and an audit hook records every connect or name lookup that was attempted."""

import json
import shutil
import subprocess
import sys

import pytest
from realdata import POSEDATA, SPHINX

AUDIT = r"""
import json, os, runpy, sys
attempts = []
def hook(event, args):
    if event == "socket.connect":
        attempts.append([event, repr(args[1])])
    elif event == "socket.getaddrinfo":
        attempts.append([event, repr(args[0])])
sys.addaudithook(hook)
if os.environ.get("AUDIT_PROBE"):  # the control: prove the hook sees a lookup
    import socket
    try:
        socket.getaddrinfo("example.org", 443)
    except OSError:
        pass
sys.argv = ["poseguide"] + sys.argv[1:]
try:
    runpy.run_module("poseguide.cli.main", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
with open(os.environ["AUDIT_OUT"], "w") as f:
    json.dump({"code": code, "attempts": attempts}, f)
"""


def _isolated() -> list[str]:
    """A prefix that runs a command without network, if this machine allows it."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@pytest.mark.realdata
@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{photo}"],
        ["analyze", "{clip}", "--pose", "childs_pose", "--json"],
        ["history", "--json"],
        ["poses"],
    ],
)
def test_commands_make_no_network_request(tmp_path, argv):
    report = _run(tmp_path, argv)
    assert report["attempts"] == []


def test_the_audit_hook_does_see_a_lookup(tmp_path):
    report = _run(tmp_path, ["poses"], probe=True)
    assert report["attempts"] == [["socket.getaddrinfo", "'example.org'"]]


def _run(tmp_path, argv, probe=False):
    clip = POSEDATA / "childs_pose" / "projectyogagym__child_pose.mp4"  # the shortest, 20 s
    argv = [a.replace("{photo}", str(POSEDATA / SPHINX)).replace("{clip}", str(clip)) for a in argv]
    out = tmp_path / "audit.json"
    env = {
        "AUDIT_OUT": str(out),
        "POSEGUIDE_DB": str(tmp_path / "h.sqlite3"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    if probe:
        env["AUDIT_PROBE"] = "1"
    proc = subprocess.run(
        [*_isolated(), sys.executable, "-c", AUDIT, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report["code"] in (0, None), proc.stderr[-2000:]
    return report
