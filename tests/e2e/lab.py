"""Real JupyterLab + Debian chromium for the browser tests: the server, the browser and a
page object that opens and runs notebooks the way a person does (click, Shift+Enter)."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# no user state: settings that keep every cell in the DOM and skip the news prompt
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """JupyterLab on loopback with a token, its own root, config, data, runtime and
    workspace directories (nothing from the user's setup leaks in), running this checkout."""

    def __init__(self, base: Path):
        self.root = base / "root"
        self.root.mkdir()
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        dirs = {
            name: base / name for name in ("config", "data", "runtime", "workspaces", "ipython")
        }
        for d in dirs.values():
            d.mkdir()
        settings = dirs["config"] / "lab" / "user-settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "IPYTHONDIR": str(dirs["ipython"]),
            "PYTHONPATH": os.pathsep.join(
                [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
        self.log_path = base / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> LabServer:
        args = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", "--ServerApp.terminals_enabled=False",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ]  # fmt: skip
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            args, env=self.env, cwd=self.root, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not start in {timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def wait_kernel_connected(self, path: str, timeout: float = 60.0) -> None:
        """Until the notebook's kernel is idle with a browser connected to it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{self.url}/api/sessions?token={self.token}") as resp:
                for session in json.load(resp):
                    kernel = session.get("kernel") or {}
                    if (
                        session.get("path") == path
                        and kernel.get("execution_state") == "idle"
                        and kernel.get("connections", 0) >= 1
                    ):
                        return
            time.sleep(0.2)
        raise TimeoutError(f"no connected, idle kernel for {path} after {timeout:.0f}s")

    def shutdown_kernels(self) -> None:
        """Stop every kernel (each test's notebook starts its own)."""
        base = f"{self.url}/api/kernels"
        with urllib.request.urlopen(f"{base}?token={self.token}", timeout=10) as resp:
            kernels = json.load(resp)
        for k in kernels:
            req = urllib.request.Request(f"{base}/{k['id']}?token={self.token}", method="DELETE")
            with urllib.request.urlopen(req, timeout=30):
                pass

    def write_notebook(self, name: str, cells: list[str]) -> str:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python",
        }  # fmt: skip
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        nbformat.write(nb, self.root / name)
        return name


class Notebook:
    """One notebook open in JupyterLab in the browser."""

    def __init__(self, page: Any, lab: LabServer, name: str):
        self.page, self.lab, self.name = page, lab, name
        # a workspace of its own, so no other test's open notebooks are restored beside it
        workspace = Path(name).stem
        page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?token={lab.token}")
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
        self.cells = self.panel.locator(".jp-Notebook .jp-Cell")
        self.cells.first.wait_for(timeout=60_000)
        # the kernel is up and the page is connected to it (cells run before that are dropped)
        lab.wait_kernel_connected(name)
        page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first.wait_for(timeout=60_000)

    def cell(self, i: int) -> Any:
        return self.cells.nth(i)

    def output(self, i: int) -> Any:
        return self.cell(i).locator(".jp-OutputArea-output")

    def run(self, i: int, timeout: float = 60_000) -> str:
        """Run cell `i` as a person does (click into it, Shift+Enter); wait until it has
        finished; return its output text (an error in the cell fails the test)."""
        cell = self.cell(i)
        cell.locator(".jp-InputArea-editor").click()
        prompt = cell.locator(".jp-InputArea-prompt")
        before = prompt.inner_text()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            "([el, before]) => el.textContent !== before && /\\[\\d+\\]/.test(el.textContent)",
            arg=[prompt.element_handle(), before],
            timeout=timeout,
        )
        text = "\n".join(self.output(i).all_inner_texts())
        stderr = cell.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        for err in stderr.all_inner_texts():
            if "Traceback" in err or "Error" in err:
                raise AssertionError(f"cell {i} raised:\n{err}")
        return text

    def wait_text(self, locator: Any, text: str, timeout: float = 30_000) -> None:
        """Wait until `locator`'s text contains `text`."""
        locator.filter(has_text=text).first.wait_for(timeout=timeout)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def wait_js(self, expression: str, timeout: float = 30_000) -> Any:
        return self.page.wait_for_function(expression, timeout=timeout).json_value()
