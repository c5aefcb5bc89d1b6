#!/usr/bin/env python3
"""kumiki-run end to end against a fake QEMU (fake_qemu.py plays the personality): relaying
as output arrives, standard input, the environment and working directory, exit statuses
(N, 128+signal, 125/126/127), malformed streams, boot failures, hangs and the serial log."""
import os
import pty
import select
import subprocess
import sys
import tempfile
import termios
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from test_program import make_elf  # noqa: E402

KUMIKI_RUN = os.path.join(HERE, "..", "..", "kumiki-run")
FAKE_QEMU = os.path.join(HERE, "fake_qemu.py")


class Run(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dir = directory.name
        self.build = os.path.join(self.dir, "build")
        os.makedirs(os.path.join(self.build, "kernel"))
        os.makedirs(os.path.join(self.build, "personalities", "linux"))
        for name in ("kernel/kumiki.elf32", "root.elf", "linux.manifest", "linux.elf"):
            open(os.path.join(self.build, name), "wb").close()
        with open(os.path.join(self.build, "personalities", "linux", "linux_run.boot"), "w") as f:
            f.write("kernel/kumiki.elf32\nroot.elf\nlinux.manifest\nlinux.elf\n")
        self.prog = self.write("prog", make_elf(), 0o755)
        # The run directories kumiki-run keeps after a failure go where the test cleans up.
        self.env = dict(os.environ, TMPDIR=self.dir)

    def write(self, name, data, mode=0o644):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        return path

    def kumiki_run(self, *args, options=(), stdin=b"", **kwargs):
        """Runs kumiki-run with the fake QEMU; returns (status, stdout, stderr)."""
        cmd = [sys.executable, KUMIKI_RUN, "--build", self.build, "--qemu", FAKE_QEMU, *options, "--", *args]
        kwargs.setdefault("env", self.env)
        result = subprocess.run(cmd, input=stdin, capture_output=True, timeout=60, **kwargs)
        return result.returncode, result.stdout, result.stderr.decode()

    def test_echo_relays_argv_env_and_stdin(self):
        status, out, err = self.kumiki_run(self.prog, "echo", "two words", stdin=b"input\n")
        self.assertEqual((status, out, err), (0, f"{self.prog} echo two words\ninput\n".encode(),
                                              "PATH=/bin:/usr/bin\nHOME=/root\nTERM=dumb\n"))

    def test_environment_and_cwd_options(self):
        status, out, err = self.kumiki_run(self.prog, "echo", options=["--env", "TERM=vt100", "--env", "A=b=c",
                                                                        "--cwd", "/tmp"])
        self.assertEqual((status, err), (0, "PATH=/bin:/usr/bin\nHOME=/root\nTERM=vt100\nA=b=c\n"))
        self.assertEqual(out, f"{self.prog} echo\n".encode() + b"/tmp")  # empty stdin, then cwd

    def test_terminal_stdin_is_not_passed(self):
        controller, terminal = pty.openpty()
        self.addCleanup(os.close, controller)
        try:
            cmd = [sys.executable, KUMIKI_RUN, "--build", self.build, "--qemu", FAKE_QEMU, "--", self.prog, "ls"]
            result = subprocess.run(cmd, stdin=terminal, capture_output=True, timeout=60, env=self.env)
        finally:
            os.close(terminal)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn(b".kumiki/stdin", result.stdout)
        status, out, _ = self.kumiki_run(self.prog, "ls", stdin=b"")
        self.assertIn(b"644 .kumiki/stdin\n", out)

    def test_console_with_piped_input(self):
        # Typed at once, but held until COM1's first line; COM1 comes to our stdout.
        status, out, err = self.kumiki_run(self.prog, options=["--console"], stdin=b"hello\nexit 3\n")
        self.assertEqual(status, 3, err)
        self.assertEqual(out, b"fake kernel booting\nconsole-file yes stdin-file no\nready\n"
                              b"typed: hello\r\ntyped: exit 3\r\n")

    def test_console_timeout_only_when_given(self):
        status, _, err = self.kumiki_run(self.prog, options=["--console", "--timeout", "2"], stdin=b"hang\n")
        self.assertEqual(status, 125)
        self.assertIn("timeout: no exit from the program within 2 s", err)
        self.assertIn("typed: hang", err)  # the serial log's tail

    def test_console_on_a_terminal(self):
        """Raw input (no local echo, ^C and ^] as bytes), Ctrl-] quits, the terminal restored."""
        controller, terminal = pty.openpty()
        self.addCleanup(os.close, controller)
        before = termios.tcgetattr(terminal)
        cmd = [sys.executable, KUMIKI_RUN, "--build", self.build, "--qemu", FAKE_QEMU, "--console", "--",
               self.prog]
        proc = subprocess.Popen(cmd, stdin=terminal, stdout=terminal, stderr=terminal, env=self.env)
        try:
            seen = self.read_until(controller, b"ready\r\n")
            os.write(controller, b"a\x03b\r")
            seen += self.read_until(controller, b"typed: a\x03b\r\r\n")  # our ONLCR kept for COM1's \n
            during = termios.tcgetattr(terminal)
            os.write(controller, b"\x1d")
            self.assertEqual(proc.wait(timeout=30), 130)
            seen += self.read_until(controller, b"quit (Ctrl-])")
            after = termios.tcgetattr(terminal)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(terminal)
        self.assertNotIn(b"a\x03b\r\n", seen.split(b"typed: ")[0])  # no local echo
        self.assertEqual(during[3] & (termios.ICANON | termios.ECHO | termios.ISIG), 0)
        self.assertTrue(during[1] & termios.OPOST)
        self.assertNotIn(b"escape reached the guest", seen)
        self.assertEqual(after, before)  # restored

    def read_until(self, fd, marker, timeout=30):
        data = b""
        end = time.monotonic() + timeout
        while marker not in data:
            ready, _, _ = select.select([fd], [], [], max(0, end - time.monotonic()))
            if not ready:
                self.fail(f"no {marker!r} in {data!r}")
            try:
                data += os.read(fd, 4096)
            except OSError:
                self.fail(f"the terminal closed before {marker!r}: {data!r}")
        return data

    def test_extra_files(self):
        tool = self.write("tool", b"#!", 0o755)
        data = self.write("data.txt", b"d")
        status, out, _ = self.kumiki_run(self.prog, "ls", options=["--file", f"{tool}:/tmp/t/tool",
                                                                    "--file", f"{data}:/data.txt"])
        self.assertEqual(status, 0)
        for line in (b"755 tmp/t/tool\n", b"644 data.txt\n", b"755 tmp/t\n", b"1777 tmp\n", b"755 .kumiki/prog\n"):
            self.assertIn(line, out)

    def test_exit_statuses_and_status_file(self):
        status_file = os.path.join(self.dir, "status")
        for args, expect, text in ((["exit", "42"], 42, "exited 42\n"), (["exit", "0"], 0, "exited 0\n"),
                                   (["kill", "11"], 139, "killed by signal 11\n"),
                                   (["kill", "9"], 137, "killed by signal 9\n")):
            status, out, err = self.kumiki_run(self.prog, *args, options=["--status-file", status_file])
            self.assertEqual((status, out, err), (expect, b"", ""), args)
            with open(status_file, encoding="utf-8") as f:
                self.assertEqual(f.read(), text)

    def test_output_is_relayed_as_it_arrives(self):
        marker = os.path.join(self.dir, "relayed")
        cmd = [sys.executable, KUMIKI_RUN, "--build", self.build, "--qemu", FAKE_QEMU, "--", self.prog, "slow",
               marker]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env)
        first = proc.stdout.read(1)  # 'b' is only written once this 'a' has arrived here
        open(marker, "w").close()
        rest, err = proc.communicate(timeout=60)
        self.assertEqual((first + rest, err, proc.returncode), (b"ab", b"", 0))

    def failed(self, args, pattern, options=(), stdout=b"", booted=True):
        """kumiki-run exits 125 saying `pattern`; after a boot it keeps and names the serial log,
        before one it keeps nothing."""
        before = set(os.listdir(self.dir))
        status, out, err = self.kumiki_run(self.prog, *args, options=options)
        self.assertEqual((status, out), (125, stdout), err)
        self.assertRegex(err, pattern)
        kept = set(os.listdir(self.dir)) - before
        if booted:
            self.assertEqual(len(kept), 1, kept)
            self.assertIn(f"serial log kept: {os.path.join(self.dir, kept.pop(), 'serial.log')}\n", err)
        else:
            self.assertNotIn("serial log", err)
            self.assertEqual(kept, set())
        return err

    def test_malformed_stream(self):
        err = self.failed(["raw", "4f01004151020000", "33"], r"malformed host link stream: offset 4: unknown "
                          r"frame type 0x51", stdout=b"A")
        self.assertIn("fake kernel booting", err)  # the serial log's tail

    def test_truncated_and_missing_exit(self):
        self.failed(["raw", "4f050061", "33"], "QEMU exited with status 33: offset 0: the stream ends inside a frame")
        self.failed(["raw", "4f010061", "33"], "ends without an exit frame", stdout=b"a")

    def test_kumiki_must_halt_after_the_exit(self):
        self.failed(["raw", "5802000000", "35"], "the program exited 0, but Kumiki then ended with a kernel panic")
        self.failed(["raw", "5802000000", "1"], "ended with QEMU exit status 1")

    def test_power_off_after_the_exit_ends_the_run(self):
        # reboot(2) in the personality: the exit frame, then ACPI S5 (QEMU's status 0).
        status, out, err = self.kumiki_run(self.prog, "raw", "5802000003", "0")
        self.assertEqual((status, out), (3, b""), err)
        self.failed(["nohalt"], r"the program exited 0, but Kumiki did not halt within 1 s", options=["--timeout", "1"])

    def test_hang(self):
        started = time.monotonic()
        self.failed(["hang"], r"timeout: no exit from the program within 1 s", options=["--timeout", "1"])
        self.assertLess(time.monotonic() - started, 30)

    def test_not_found_and_not_runnable(self):
        status, _, err = self.kumiki_run(os.path.join(self.dir, "absent"))
        self.assertEqual((status, err), (127, f"kumiki-run: {self.dir}/absent: not found\n"))
        status, _, err = self.kumiki_run("no-such-program-anywhere")
        self.assertEqual((status, err), (127, "kumiki-run: no-such-program-anywhere: not found\n"))
        not_executable = self.write("plain", make_elf(), 0o644)
        self.assertEqual(self.kumiki_run(not_executable)[0], 126)
        dynamic = self.write("dynamic", make_elf(e_type=3, segments=(3, 1)), 0o755)
        status, _, err = self.kumiki_run(dynamic)
        self.assertEqual(status, 126)
        self.assertIn("dynamically linked", err)
        self.assertEqual(self.kumiki_run(self.dir)[0], 126)  # a directory

    def test_program_found_in_path(self):
        env = dict(self.env, PATH=self.dir + ":" + os.environ.get("PATH", ""))
        status, out, _ = self.kumiki_run("prog", "echo", env=env)
        self.assertEqual((status, out), (0, b"prog echo\n"))  # argv[0] as written

    def test_usage_and_build_errors(self):
        status, _, err = self.kumiki_run(options=["--no-such-option"])
        self.assertEqual(status, 125)
        status, _, err = self.kumiki_run()
        self.assertEqual(status, 125)
        self.assertIn("no program given", err)
        status, _, err = self.kumiki_run(self.prog, options=["--memory", "512M"])
        self.assertEqual(status, 125)
        self.assertIn("laid out for 256M only", err)
        for option, value, pattern in (("--kernel", "/nowhere", r"the kernel '/nowhere' does not exist"),
                                       ("--boot-list", "/nowhere", r"cannot read the boot list '/nowhere'"),
                                       ("--busybox", "/nowhere", r"cannot read busybox .*'/nowhere'"),
                                       ("--file", "x:relative", "expected HOST:GUEST"),
                                       ("--env", "JUSTKEY", "not KEY=VALUE"),
                                       ("--cwd", "tmp", "not an absolute path"),
                                       ("--qemu", "/nowhere/qemu", "cannot start QEMU")):
            self.failed([], pattern, options=[option, value], booted=False)

    def test_keep_and_verbose_keep_the_logs(self):
        status, _, err = self.kumiki_run(self.prog, "exit", "0", options=["-v"])
        self.assertEqual(status, 0)
        self.assertRegex(err, r"archive \d+ bytes")
        workdir = err.rsplit(" are in ", 1)[1].strip()
        self.assertEqual(os.path.dirname(workdir), self.dir)
        with open(os.path.join(workdir, "serial.log"), encoding="utf-8") as f:
            log = f.read()
        self.assertIn("initrd " + os.path.join(self.build, "root.elf"), log)
        self.assertIn(os.path.join(workdir, "linux_root.tar"), log)
        self.assertIn("-kernel " + os.path.join(self.build, "kernel/kumiki.elf32"), log)

    def test_kernel_option_overrides_the_boot_lists(self):
        other = self.write("other_kernel", b"")
        status, _, err = self.kumiki_run(self.prog, "exit", "0", options=["--keep", "--kernel", other])
        workdir = err.rsplit(" are in ", 1)[1].strip()
        with open(os.path.join(workdir, "serial.log"), encoding="utf-8") as f:
            self.assertIn("-kernel " + other + " ", f.read())


if __name__ == "__main__":
    unittest.main()
