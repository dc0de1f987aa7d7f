#!/usr/bin/env python3
"""An rmt server that behaves like a tape of limited size, for the tests.

Requests on stdin, replies on stdout, as rmt(8).  Whole records are
written to the file named by O until RMT_TAPE_KB kilobytes are used; the
record that does not fit is refused with ENOSPC, as a tape drive at its
end does.  Only what dump sends is understood: O, W, C, I, S.

RMT_TAPE_HANG=open, write or close: never answer the first such request
(as a drive stuck loading or rewinding); wait for the end of the input.
RMT_TAPE_PIDFILE: write the server's process id there, and create that
name with ".hung" added once a request goes unanswered.
"""
import os
import sys

inp = sys.stdin.buffer
out = sys.stdout.buffer
cap = int(os.environ.get("RMT_TAPE_KB", "200")) * 1024
hang = os.environ.get("RMT_TAPE_HANG", "")


def line():
    s = inp.readline()
    if not s.endswith(b"\n"):
        sys.exit(0)
    return s[:-1].decode("ascii", "replace")


def reply(s):
    out.write(s.encode("ascii"))
    out.flush()


def stall(what):
    if hang == what:
        if os.environ.get("RMT_TAPE_PIDFILE"):
            open(os.environ["RMT_TAPE_PIDFILE"] + ".hung", "w").close()
        while inp.read(65536):
            pass
        sys.exit(0)


def serve():
    f = None
    used = 0
    while True:
        c = inp.read(1)
        if not c:
            sys.exit(0)
        if c == b"O":
            name, flags = line(), line()
            stall("open")
            if f:
                f.close()
            f = open(name, "wb")
            used = 0
            reply("A0\n")
        elif c == b"W":
            n = int(line())
            data = inp.read(n)
            if len(data) != n:
                sys.exit(2)
            stall("write")
            if f is None:
                reply("E9\nBad file descriptor\n")
            elif used + n > cap:
                reply("E28\nNo space left on device\n")
            else:
                f.write(data)
                used += n
                reply("A%d\n" % n)
        elif c == b"C":
            line()
            stall("close")
            if f:
                f.close()
                f = None
            reply("A0\n")
        elif c == b"I":
            op, count = line(), line()
            reply("A1\n" if op == "-1" else "E25\nInappropriate ioctl for device\n")
        elif c == b"S":
            reply("E25\nInappropriate ioctl for device\n")
        else:
            sys.exit(3)


if os.environ.get("RMT_TAPE_PIDFILE"):
    with open(os.environ["RMT_TAPE_PIDFILE"], "w") as pf:
        pf.write("%d\n" % os.getpid())
try:
    serve()
except OSError:
    # dump went away: nothing to answer.
    sys.exit(0)
