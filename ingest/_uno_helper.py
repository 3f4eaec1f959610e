"""Keep one headless LibreOffice running and convert files to .docx through UNO.

Run with the system Python that has the ``uno`` module (Debian: python3-uno), never
imported by protokoll itself:

    /usr/bin/python3 _uno_helper.py SOFFICE PROFILE_URL PIPE_NAME

It starts soffice listening on a UNO pipe, prints ``{"ready": true}`` once connected,
then answers one JSON request per stdin line, ``{"in": path, "out": path}``, with
``{"ok": true}`` or ``{"error": "..."}``. At end of input it terminates soffice.
"""

import json
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


def _connect(pipe, proc, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    soffice, profile, pipe = sys.argv[1:4]
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation={profile}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        desktop = _connect(pipe, proc, time.monotonic() + 60)
    except Exception as e:
        proc.kill()
        _reply({"error": f"LibreOffice did not start: {e}"})
        return
    _reply({"ready": True})
    try:
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
                        or type(e).__name__})
                if proc.poll() is not None:
                    return
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
