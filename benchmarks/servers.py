"""What the HTTP benchmarks share: waiting for the gunicorn they started to answer."""

from __future__ import annotations

import http.client
import subprocess
import time


def wait_until_serving(proc: subprocess.Popen[bytes], port: int) -> None:
    """Return once `/healthz` answers 200 on `port`; stop `proc` and say why if it never does."""
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    _out, err = proc.communicate(timeout=30)
    raise RuntimeError("gunicorn did not start:\n" + err.decode(errors="replace")[-3000:])
