#!/usr/bin/env python3
"""Run one program on the host and under Kumiki; their stdout, stderr and exit must be equal.

    compare.py [options] -- PROGRAM [ARGS...]

The host (Linux) is the oracle, as in gVisor's tests.  Both runs get the same argv (PROGRAM
as written first), the same environment (kumiki-run's default: PATH=/bin:/usr/bin
HOME=/root TERM=dumb), the same standard input (--stdin FILE, else /dev/null), and an empty
working directory holding the --file copies: on the host a fresh temporary directory, under
Kumiki /tmp (so programs use relative paths).  The host run must first end as --expect says
(default "exited 0": the program's own checks passed on Linux); then kumiki-run must report
an identical run (byte-equal stdout and stderr, the same exit status or signal).

--host-only stops after the host run (checks the program itself against Linux).
Exit status: 0 equal (or host-only passed), 1 different or failed, 2 bad usage.
"""
import argparse
import difflib
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
SOURCE_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tools"))

from kumiki_run.rootfs import DEFAULT_ENV  # noqa: E402

KUMIKI_CWD = "/tmp"


def describe(returncode):
    """subprocess's returncode as kumiki-run's --status-file writes it."""
    if returncode < 0:
        return f"killed by signal {-returncode}"
    return f"exited {returncode}"


def stdin_file(path):
    return open(path or os.devnull, "rb")


def run_host(args, workdir):
    for path in args.file:
        shutil.copy2(path, os.path.join(workdir, os.path.basename(path)))
    env = dict(entry.split("=", 1) for entry in DEFAULT_ENV)
    with stdin_file(args.stdin) as stdin:
        # The program path stays as written (argv[0]); made absolute only to be found from workdir.
        executable = os.path.abspath(args.command[0]) if "/" in args.command[0] else None
        try:
            result = subprocess.run(args.command, executable=executable, cwd=workdir, env=env, stdin=stdin,
                                    capture_output=True, timeout=args.timeout, check=False,
                                    restore_signals=True)
        except subprocess.TimeoutExpired:
            return None
    return result.stdout, result.stderr, describe(result.returncode)


def run_kumiki(args, workdir):
    status_file = os.path.join(workdir, "kumiki.status")
    cmd = [sys.executable, args.kumiki_run, "--cwd", KUMIKI_CWD, "--status-file", status_file]
    for path in args.file:
        cmd += ["--file", f"{os.path.abspath(path)}:{KUMIKI_CWD}/{os.path.basename(path)}"]
    cmd += args.kumiki_arg + ["--", *args.command]
    with stdin_file(args.stdin) as stdin:
        result = subprocess.run(cmd, stdin=stdin, capture_output=True, check=False)
    try:
        with open(status_file, encoding="utf-8") as f:
            status = f.read().strip()
    except OSError:
        status = None
    return result.stdout, result.stderr, status, result.returncode


def show(label, data):
    text = data.decode("utf-8", "backslashreplace")
    print(f"--- {label} ({len(data)} bytes)")
    sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")


def diff(label, host, kumiki):
    if host == kumiki:
        return True
    print(f"# {label} differs (- host, + Kumiki):")
    lines = difflib.unified_diff(host.decode("utf-8", "backslashreplace").splitlines(),
                                 kumiki.decode("utf-8", "backslashreplace").splitlines(),
                                 "host", "kumiki", lineterm="")
    for line in lines:
        print(line)
    return False


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kumiki-run", default=os.path.join(SOURCE_ROOT, "tools", "kumiki-run"), metavar="TOOL")
    p.add_argument("--kumiki-arg", action="append", default=[], metavar="ARG",
                   help="an option for kumiki-run (e.g. --build=DIR, --timeout=S)")
    p.add_argument("--stdin", metavar="FILE", help="standard input of both runs (default /dev/null)")
    p.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="copy PATH into the working directory of both runs (by its basename)")
    p.add_argument("--expect", default="exited 0", metavar="STATUS",
                   help="how the host run must end: 'exited N' or 'killed by signal N'")
    p.add_argument("--timeout", type=float, default=60, help="seconds the host run may take")
    p.add_argument("--host-only", action="store_true", help="run on the host only")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    if args.command[:1] == ["--"]:
        args.command = args.command[1:]
    if not args.command:
        p.error("no program given")
    return args


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    with tempfile.TemporaryDirectory(prefix="kumiki-compare-") as workdir:
        host_dir = os.path.join(workdir, "host")
        os.mkdir(host_dir)
        host = run_host(args, host_dir)
        if host is None:
            print(f"# FAILED: the host run took longer than {args.timeout:g} s")
            return 1
        host_out, host_err, host_status = host
        if host_status != args.expect:
            print(f"# FAILED: the host run {host_status}, expected {args.expect}; the program is wrong "
                  "about Linux (or the host is unusual)")
            show("host stdout", host_out)
            show("host stderr", host_err)
            return 1
        if args.host_only:
            show("host stdout", host_out)
            show("host stderr", host_err)
            print(f"# PASSED on the host: {host_status}")
            return 0
        kumiki_out, kumiki_err, kumiki_status, tool_status = run_kumiki(args, workdir)
    if kumiki_status is None:
        print(f"# FAILED: kumiki-run could not run the program (exit status {tool_status}):")
        sys.stdout.write(kumiki_err.decode("utf-8", "backslashreplace"))
        show("stdout relayed before the failure", kumiki_out)
        return 1
    same = diff("stdout", host_out, kumiki_out)
    same = diff("stderr", host_err, kumiki_err) and same
    if host_status != kumiki_status:
        print(f"# exit differs: host {host_status}, Kumiki {kumiki_status}")
        same = False
    if not same:
        print("# FAILED: Kumiki's run differs from Linux's")
        return 1
    print(f"# PASSED: stdout ({len(host_out)} bytes), stderr ({len(host_err)} bytes) and '{host_status}' "
          "are the same on the host and under Kumiki")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
