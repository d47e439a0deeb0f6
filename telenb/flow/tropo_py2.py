"""Python 2 module names for Tropo scripts, as the Jython-era runtime offered them.

A Tropo script that compiles under Python 3 may still ``import urllib2`` or ``from urlparse
import urlparse``: Tropo ran Jython 2.5/2.7, whose standard library had those names.  The
script's ``__import__`` maps each to its Python 3 home (a module assembled from the pieces when
Python 3 split one module into several, as ``urllib`` and ``urllib2`` were), so the script runs
unmodified.  Python 3 names import as usual.
"""

from __future__ import annotations

import builtins
import importlib
import types
from functools import cache
from typing import Any

# Python 2 name -> its Python 3 module (one module moved whole)
MOVED = {
    "urlparse": "urllib.parse",
    "httplib": "http.client",
    "cPickle": "pickle",
    "Queue": "queue",
    "ConfigParser": "configparser",
    "HTMLParser": "html.parser",
    "htmlentitydefs": "html.entities",
    "cookielib": "http.cookiejar",
    "Cookie": "http.cookies",
    "xmlrpclib": "xmlrpc.client",
    "SocketServer": "socketserver",
    "BaseHTTPServer": "http.server",
    "SimpleHTTPServer": "http.server",
    "thread": "_thread",
    "__builtin__": "builtins",
    "cStringIO": "io",
    "StringIO": "io",
    "anydbm": "dbm",
    "commands": "subprocess",
    "repr": "reprlib",
    "robotparser": "urllib.robotparser",
}
# Python 2 name -> the Python 3 modules its names now live in (the module was split)
SPLIT = {
    "urllib": ("urllib.parse", "urllib.request", "urllib.error"),
    "urllib2": ("urllib.request", "urllib.error", "urllib.parse"),
}


@cache
def _assembled(name: str) -> types.ModuleType:
    module = types.ModuleType(name, f"Python 2's {name}, assembled from its Python 3 homes")
    for part in reversed(SPLIT[name]):
        source = importlib.import_module(part)
        for key in getattr(source, "__all__", [k for k in vars(source) if not k.startswith("_")]):
            if hasattr(source, key):
                setattr(module, key, getattr(source, key))
    if name == "urllib":  # Python 3 code that says `import urllib` then `urllib.parse.quote`
        for part in SPLIT[name]:
            setattr(module, part.split(".")[1], importlib.import_module(part))
    return module


def _py2_import(
    name: str,
    globals: dict[str, Any] | None = None,
    locals: dict[str, Any] | None = None,
    fromlist: Any = (),
    level: int = 0,
) -> Any:
    if level == 0:
        if name in SPLIT:
            return _assembled(name)
        if name in MOVED:
            module = importlib.import_module(MOVED[name])
            return module
    return builtins.__import__(name, globals, locals, fromlist, level)


@cache
def _namespace() -> dict[str, Any]:
    names = dict(vars(builtins))
    names["__import__"] = _py2_import
    return names


def tropo_builtins() -> dict[str, Any]:
    """The builtins a Python Tropo script runs with: Python 3's, with Python 2 imports mapped."""
    return dict(_namespace())
