"""Model download against a local HTTP server (127.0.0.1 only)."""

import hashlib
import http.server
import itertools
import threading
import zipfile
from functools import partial

import pytest

from telenb.errors import SpeechError
from telenb.speech.models import ChecksumError, download_model, find_model, main


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files, honouring `Range: bytes=N-` so resume can be tested."""

    def log_message(self, *args):
        pass

    def send_head(self):
        rng = self.headers.get("Range")
        path = self.translate_path(self.path)
        if not rng:
            return super().send_head()
        start = int(rng.split("=")[1].rstrip("-"))
        data = open(path, "rb").read()  # noqa: SIM115
        if start >= len(data):
            self.send_error(416)
            return None
        self.send_response(206)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        import io

        return io.BytesIO(data[start:])


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    model = tmp_path / "src" / "tiny-model"
    (model / "conf").mkdir(parents=True)
    (model / "conf" / "model.conf").write_text("--sample-frequency=16000\n")
    (model / "README").write_text("a tiny model\n" * 5000)
    archive = root / "tiny-model.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in model.rglob("*"):
            z.write(p, p.relative_to(model.parent))
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(RangeHandler, directory=str(root)))
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/tiny-model.zip", archive
    httpd.shutdown()
    httpd.server_close()


def test_download_verifies_reports_progress_and_unpacks(server, tmp_path):
    url, archive = server
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    seen = []
    path = download_model(url, tmp_path / "models", digest,
                          progress=lambda done, total: seen.append((done, total)))
    assert path == tmp_path / "models" / "tiny-model"
    assert (path / "conf" / "model.conf").read_text().startswith("--sample")
    assert seen[-1] == (archive.stat().st_size, archive.stat().st_size)
    assert all(a <= b for (a, _), (b, _) in itertools.pairwise(seen))
    assert not list((tmp_path / "models").glob(".*"))  # no temporary files left


def test_checksum_mismatch_is_a_clear_error_and_leaves_nothing(server, tmp_path):
    url, _archive = server
    dest = tmp_path / "models"
    with pytest.raises(ChecksumError, match=r"checksum mismatch.*expected SHA-256 0+"):
        download_model(url, dest, "0" * 64, progress=False)
    assert not list(dest.iterdir())


def test_download_resumes_a_partial_file(server, tmp_path):
    url, archive = server
    data = archive.read_bytes()
    dest = tmp_path / "models"
    dest.mkdir()
    (dest / ".tiny-model.zip.part").write_bytes(data[: len(data) // 2])
    seen = []
    path = download_model(url, dest, hashlib.sha256(data).hexdigest(),
                          progress=lambda d, t: seen.append((d, t)))
    assert path.is_dir()
    assert seen[0][0] > len(data) // 2  # counting started from the half already there
    assert (dest / "tiny-model.zip").read_bytes() == data


def test_unverified_download_warns_with_the_digest(server, tmp_path, capsys):
    url, archive = server
    download_model(url, tmp_path / "m", progress=False, extract=False)
    err = capsys.readouterr().err
    assert "not verified" in err and hashlib.sha256(archive.read_bytes()).hexdigest() in err


def test_errors_for_unknown_names_and_missing_models(tmp_path, monkeypatch):
    with pytest.raises(SpeechError, match="unknown model"):
        download_model("no-such-model", tmp_path)
    monkeypatch.setenv("TELENB_MODELS_DIR", str(tmp_path))
    monkeypatch.delenv("TELENB_VOSK_MODEL", raising=False)
    with pytest.raises(SpeechError, match="telenb models download vosk-model-small-en-us"):
        find_model("vosk", "en-US")
    monkeypatch.setenv("TELENB_VOSK_MODEL", str(tmp_path / "missing"))
    with pytest.raises(SpeechError, match="does not exist"):
        find_model("vosk", "en")


def test_models_main(server, tmp_path, capsys):
    url, archive = server
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert main(["download", url, "--dest", str(tmp_path), "--sha256", digest]) == 0
    out = capsys.readouterr()
    assert "tiny-model" in out.out and "100.0%" in out.err
    assert main(["download", url, "--dest", str(tmp_path / "b"), "--sha256", "1" * 64,
                 "--no-progress"]) == 1
    assert "checksum mismatch" in capsys.readouterr().err
    assert main(["list"]) == 0
    assert "vosk-model-small-en-us" in capsys.readouterr().out


def test_model_found_from_environment_and_configuration(tmp_path, monkeypatch):
    from telenb.speech import models

    ko = tmp_path / "ko-model"
    ko.mkdir()
    monkeypatch.setenv("TELENB_VOSK_MODEL", f"ko={ko}")
    assert find_model("vosk", "ko-KR") == ko
    monkeypatch.setenv("TELENB_VOSK_MODEL", str(ko))  # a bare path serves any language
    assert find_model("vosk", "en") == ko
    monkeypatch.delenv("TELENB_VOSK_MODEL")
    monkeypatch.setattr(models, "_configured", {})
    models.set_model_path("vosk", ko, "de")
    assert find_model("vosk", "de-DE") == ko
    with pytest.raises(SpeechError, match="no model at"):
        models.set_model_path("vosk", tmp_path / "nothing")
