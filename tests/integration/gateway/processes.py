"""Child processes for the gateway tests, and their cleanup: every process started here is stopped by PID in
the test's cleanup, again at exit, and by the kernel (PR_SET_PDEATHSIG) if the test runner itself is killed.
A missing tool is a failure, never a skip."""

import atexit
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

_cleanups = []  # run last-registered first, at test cleanup or at exit, each at most once
_cleanup_lock = threading.Lock()


def at_cleanup(fn):
    """Registers fn to run at exit (if nothing ran it before); returns a function that runs it now."""
    done = []

    def run_once():
        with _cleanup_lock:
            if done:
                return
            done.append(True)
        try:
            fn()
        except Exception as e:  # a cleanup must never hide the test's own failure
            print(f"cleanup failed: {e!r}", file=sys.stderr)

    _cleanups.append(run_once)
    return run_once


def _run_all_cleanups():
    while _cleanups:
        _cleanups.pop()()


atexit.register(_run_all_cleanups)


def _exit_on_signal(signum, frame):
    sys.exit(128 + signum)  # runs atexit, so children are stopped


signal.signal(signal.SIGTERM, _exit_on_signal)
signal.signal(signal.SIGHUP, _exit_on_signal)

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _dies_with_parent(sig):
    def set_death_signal():
        _libc.prctl(_PR_SET_PDEATHSIG, sig)
    return set_death_signal


def find_tool(name):
    """The path of a real tool the tests need; a missing one fails the test (never skips it)."""
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin:/usr/bin")
    if not path:
        raise AssertionError(f"{name} is not installed, and this test needs the real thing (tools/deps.sh installs it)")
    return path


def _stat_after_name(pid):
    """/proc/PID/stat's fields after the process name (field 3 on): the name may hold spaces and parentheses."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def _start_time(pid):
    """The process's start time in clock ticks (/proc/PID/stat field 22): with the PID, names one process."""
    try:
        return _stat_after_name(pid)[19]
    except (OSError, IndexError):
        return None


def cpu_seconds(pid):
    """User and system CPU time a process has used (/proc/PID/stat fields 14 and 15)."""
    fields = _stat_after_name(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid):
    """[(pid, start time)] of pid's children, so they can be stopped later without hitting a reused PID."""
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [(int(k), _start_time(int(k))) for k in f.read().split()]
    except OSError:
        pass
    return kids


class Process:
    """A child process whose stdout and stderr go to a log file; stopped by its PID (and its children's)."""

    def __init__(self, argv, log_path, stdin=subprocess.DEVNULL, stdout=None, env=None, death_signal=signal.SIGKILL):
        """death_signal reaches the child if the test runner dies; a process with children of its own (nginx)
        needs one it can act on, or its children outlive it."""
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self._log_start = self._log.tell()  # where this process's output begins (after an earlier one's)
        self.popen = subprocess.Popen(argv, stdin=stdin, stdout=stdout or self._log, stderr=self._log,
                                      preexec_fn=_dies_with_parent(death_signal), env=env)
        self.pid = self.popen.pid
        self.stop = at_cleanup(self._stop)

    def running(self):
        return self.popen.poll() is None

    def send_signal(self, sig):
        if self.running():
            os.kill(self.pid, sig)

    def wait(self, timeout):
        return self.popen.wait(timeout)

    def _stop(self, sig=signal.SIGTERM, timeout=10):
        kids = children_of(self.pid)
        if self.running():
            os.kill(self.pid, sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
                for pid, started in kids:  # nginx workers outlive a master killed hard
                    if started is not None and _start_time(pid) == started:
                        os.kill(pid, signal.SIGKILL)
        self._log.close()

    def log(self, own=False):
        """The log file; with own=True only what this process wrote, not what a process before it did."""
        with open(self.log_path, "rb") as f:
            f.seek(self._log_start if own else 0)
            return f.read().decode("utf-8", "replace")


def complete_lines(path, errors="strict"):
    """The lines of a log another process appends to, without a last line that does not end in a newline yet
    (it is still being written); [] if there is no such file yet."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    return [line.decode("utf-8", errors) for line in data.split(b"\n")[:-1]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PortTaken(AssertionError):
    """A process started on a port free_port() found could not bind it: another process took it meanwhile."""


def check_port_taken(what, log):
    """Raises PortTaken when the log of a process that exited at start says its bind failed (EADDRINUSE)."""
    if "Address already in use" in log:
        raise PortTaken(f"{what} found its port taken:\n{log}")


def retry_while_port_taken(start, attempts=3):
    """Returns start(), called again while it raises PortTaken, up to `attempts` calls in all. start() picks
    its ports with free_port() each time: a port is free only when it is looked at, and another test may bind
    it before the process started here does."""
    for attempt in range(attempts):
        try:
            return start()
        except PortTaken:
            if attempt == attempts - 1:
                raise


def wait_for_port(port, process=None, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.running():
            raise AssertionError(f"{process.argv[0]} exited early:\n{process.log()}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
