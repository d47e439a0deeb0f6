"""SIP for telenb (issue 15): real calls over SIP and RTP through a pjsua2 worker process.

The SIP stack (pjsua2) runs in a separate worker process, because a second `Endpoint` or an
object alive after `libDestroy` aborts the whole process, which would kill the kernel.  The
kernel and the worker talk over `protocol` (JSON lines on a pipe); flows run in the kernel.
"""

from __future__ import annotations
