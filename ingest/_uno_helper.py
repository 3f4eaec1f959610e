"""Keep one headless LibreOffice running and convert files to .docx through UNO.

Run with the system Python that has the ``uno`` module (Debian: python3-uno), never
imported by protokoll itself:

    python3 _uno_helper.py SOFFICE PROFILE_URL PIPE_NAME

It starts soffice listening on a UNO pipe, prints ``{"ready": true}`` once connected,
then answers one JSON request per stdin line, ``{"in": path, "out": path}``, with
``{"ok": true}`` or ``{"error": "..."}``. At end of input it terminates soffice.

Whatever ends it (end of input, its parent gone while LibreOffice starts, a reply
nobody reads any more), it stops soffice before it exits: protokoll starts it as
the leader of its own process group, so the group (oosplash and soffice.bin) is
killed if LibreOffice does not terminate when asked. A ``kill -9`` of the importing
process must not leave a LibreOffice running.
"""

import json
import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


class ParentGone(BaseException):
    """The importing process is gone: stop, past every ``except Exception``."""


def _connect(pipe, proc, deadline, parent):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if os.getppid() != parent:
                raise ParentGone() from None
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _reply(obj):
    try:
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()
    except OSError:  # a broken pipe: the parent is gone
        raise ParentGone() from None


def _stop(proc, desktop):
    """Terminate LibreOffice: ask it, then kill the process group if it does not go."""
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(10)
            return
        except subprocess.TimeoutExpired:
            pass
    if os.getpgrp() == os.getpid():  # our own group: oosplash, soffice.bin and this helper
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.killpg(os.getpgrp(), signal.SIGTERM)
        try:
            proc.wait(5)
            return
        except subprocess.TimeoutExpired:
            os.killpg(os.getpgrp(), signal.SIGKILL)
    proc.kill()
    proc.wait()


def main():
    soffice, profile, pipe = sys.argv[1:4]
    parent = os.getppid()
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={profile}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    desktop = None
    try:
        try:
            desktop = _connect(pipe, proc, time.monotonic() + 60, parent)
        except Exception as e:
            _reply({"error": f"LibreOffice did not start: {e}"})
            return
        _reply({"ready": True})
        _serve(desktop, proc)
    except ParentGone:
        pass
    finally:
        _stop(proc, desktop)


def _serve(desktop, proc):
    for line in sys.stdin:
        req = json.loads(line)
        try:
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(req["in"]), "_blank", 0,
                _props(Hidden=True, ReadOnly=True, RepairPackage=False),
            )
            if doc is None:
                _reply({"error": "LibreOffice could not open the file"})
                continue
            try:
                doc.storeToURL(uno.systemPathToFileUrl(req["out"]), _props(FilterName="MS Word 2007 XML"))
            finally:
                doc.close(True)
            _reply({"ok": True})
        except Exception as e:  # UNO exceptions: report, keep serving while soffice lives
            _reply({"error": " ".join(str(getattr(e, "Message", "") or e).split())[:300]
                    or "LibreOffice could not convert the file"})
            if proc.poll() is not None:
                return


if __name__ == "__main__":
    main()
