"""The local app (`evaluate app`) through Starlette's TestClient: every route, the guard
(token, Host, CSRF, upload cap), uploads under generated names, the same workspace as the
command line makes, and an app import queued with a command-line import."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")  # starlette's TestClient, newest releases
from starlette.testclient import TestClient  # noqa: E402

from evaluate.app.web import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
ROSTER = SAMPLE / "roster.csv"
LOCAL = "http://127.0.0.1"


def _client(app, **kw) -> TestClient:
    return TestClient(app, base_url=LOCAL, follow_redirects=True, **kw)


def _login(client, app) -> str:
    """Exchange the token for the cookie; return the session's CSRF token."""
    r = client.get(f"/?token={app.state.secrets.token}")
    assert r.status_code == 200
    page = client.get("/start").text
    return re.search(r"csrf=([0-9a-f]{32})", page).group(1)


def _drop(client, csrf, path: Path, name: str | None = None):
    with path.open("rb") as fh:
        return client.post(f"/import?csrf={csrf}", files={"export": (name or path.name, fh)})


def _uid(response) -> str:
    return str(response.url).rstrip("/").rsplit("/", 1)[1]


@pytest.fixture()
def made(tmp_path):
    """An app with a fresh workspace made from the sample roster, logged in."""
    app = create_app(None, scratch=tmp_path / "scratch", pdf=False)
    client = _client(app)
    csrf = _login(client, app)
    with ROSTER.open("rb") as fh:
        r = client.post(f"/create?csrf={csrf}", data={"folder": str(tmp_path / "ws")},
                        files={"roster": ("roster.csv", fh, "text/csv")})
    assert r.status_code == 200 and "/workspace" in str(r.url), r.text
    return app, client, csrf, tmp_path / "ws"


# ------------------------------------------------------------------ the guard
def test_no_token_gets_403_on_every_route(tmp_path):
    app = create_app(None, scratch=tmp_path / "s")
    client = _client(app)
    for route in app.routes:
        path = getattr(route, "path", "/")
        path = re.sub(r"\{[^}]+\}", "x", path)
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method == "HEAD":
                continue
            r = client.request(method, path)
            assert r.status_code == 403, (method, path, r.status_code)
            assert "address" in r.text  # says what to do: open the printed address
    assert client.get("/?token=wrong").status_code == 403


def test_the_token_is_exchanged_for_a_strict_httponly_cookie(tmp_path):
    app = create_app(None, scratch=tmp_path / "s")
    client = TestClient(app, base_url=LOCAL, follow_redirects=False)
    r = client.get(f"/start?token={app.state.secrets.token}")
    assert r.status_code == 303 and r.headers["location"] == "/start"  # the token leaves the URL
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert app.state.secrets.token not in cookie
    assert client.get("/start").status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "192.168.1.5:8000"])
def test_a_host_that_is_not_this_computer_gets_403(tmp_path, host):
    app = create_app(None, scratch=tmp_path / "s")
    client = _client(app)
    _login(client, app)
    r = client.get("/start", headers={"host": host})
    assert r.status_code == 403 and "127.0.0.1" in r.text
    for ok in ("127.0.0.1:8000", "localhost:1234", "[::1]:80"):
        assert client.get("/start", headers={"host": ok}).status_code == 200


def test_every_post_without_its_csrf_token_gets_403_and_changes_nothing(made):
    app, client, csrf, ws = made
    before = (ws / "manifest.json").read_bytes() if (ws / "manifest.json").exists() else b""
    posts = [re.sub(r"\{[^}]+\}", "x", r.path) for r in app.routes
             if "POST" in (getattr(r, "methods", None) or ())]
    assert len(posts) >= 10
    for path in posts:
        assert client.post(path).status_code == 403, path
        assert client.post(path + "?csrf=0" * 1 + "0" * 31).status_code == 403, path
        assert client.post(path, headers={"x-csrf-token": "nope"}).status_code == 403, path
    # the right token from another site's page is refused too
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "undo"},
                    headers={"origin": "http://evil.example"})
    assert r.status_code == 403
    after = (ws / "manifest.json").read_bytes() if (ws / "manifest.json").exists() else b""
    assert after == before


def test_pages_carry_a_strict_content_security_policy(made):
    app, client, csrf, ws = made
    for path in ("/start", "/workspace", "/import", "/history", "/corrections", "/report",
                 "/publish", "/static/app.css"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
        assert "<script" not in r.text


def test_an_upload_over_the_cap_gets_413_and_nothing_is_written(tmp_path):
    from evaluate.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    app = create_app(ws.path, scratch=tmp_path / "scratch", max_upload=10_000)
    client = _client(app)
    csrf = _login(client, app)
    uploads = tmp_path / "scratch" / "uploads"
    r = client.post(f"/import?csrf={csrf}", files={"export": ("big.csv", b"a,b\n" * 5000)})
    assert r.status_code == 413 and "too large" in r.text
    assert list(uploads.iterdir()) == []

    # without a declared length, the body is cut off as soon as it passes the cap
    def chunks():
        for _ in range(100):
            yield b"x" * 1000

    r = client.post(f"/import?csrf={csrf}", content=chunks(),
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("sent", ["../../evil.csv", "..\\..\\evil.csv", "bad\x00name.csv",
                                  "/etc/passwd"])
def test_a_sent_file_name_never_becomes_a_path(made, sent):
    app, client, csrf, ws = made
    r = _drop(client, csrf, SAMPLE / "broken" / "not-on-roster.csv", name=sent)
    assert r.status_code in (200, 400)
    scratch = app.state.evaluate.scratch / "uploads"
    kept = sorted(scratch.iterdir())
    assert len(kept) == 1 and re.fullmatch(r"[0-9a-f]{32}\.(csv|bin)", kept[0].name)
    assert not (scratch.parent.parent / "evil.csv").exists() and not Path("evil.csv").exists()
    upload = next(iter(app.state.evaluate.uploads.values()))
    assert "/" not in upload.name and "\\" not in upload.name and "\x00" not in upload.name


# ------------------------------------------------------------------ screens
def test_start_redirects_and_open_takes_a_workspace(made, tmp_path):
    app, client, csrf, ws = made
    assert "/workspace" in str(client.get("/").url)
    r = client.post(f"/open?csrf={csrf}", data={"folder": str(tmp_path / "nothing")})
    assert r.status_code == 400 and "Traceback" not in r.text
    r = client.post(f"/open?csrf={csrf}", data={"folder": str(ws)})
    assert r.status_code == 200 and "Leading Beyond Boundaries" in r.text or ws.name in r.text


def test_create_refuses_an_existing_workspace_in_words(made):
    app, client, csrf, ws = made
    with ROSTER.open("rb") as fh:
        r = client.post(f"/create?csrf={csrf}", data={"folder": str(ws)},
                        files={"roster": ("roster.csv", fh)})
    assert r.status_code == 400 and "already a workspace" in r.text
    r = client.post(f"/create?csrf={csrf}", data={"folder": str(ws.parent / "new")})
    assert r.status_code == 400 and "No roster file" in r.text


def test_import_proposes_checks_and_imports(made):
    app, client, csrf, ws = made
    r = _drop(client, csrf, SAMPLE / "c1" / "baseline-c1-msforms.xlsx")
    assert r.status_code == 200
    text = r.text
    assert "microsoft forms" in text.lower() and "baseline@1" in text
    assert 'value="c1"' in text and 'value="baseline"' in text
    assert "What importing would do" in text
    uid = _uid(r)
    r = client.post(f"/import/{uid}/go?csrf={csrf}")
    assert "Stored 39 responses for cohort c1, wave baseline (import 0001)" in r.text
    grid = client.get("/workspace").text
    assert "import 0001" in grid and "Response rate:" in grid
    # the same export again under a new wave proposal changes nothing when imported again
    r = client.post(f"/import/{uid}/go?csrf={csrf}")
    assert "This export is stored as import 0001" in r.text


def test_refusals_are_choices(made):
    app, client, csrf, ws = made
    r = _drop(client, csrf, SAMPLE / "broken" / "misspelt-label.csv")
    uid = _uid(r)
    assert "Why nothing can be imported yet" in r.text and "read both ways" in r.text
    assert "Import " not in re.sub(r"<h2 id=\"go-h\">Import</h2>", "", r.text).split(
        "Problems")[1].split("</main>")[0] or "go-h" not in r.text
    r = client.post(f"/import/{uid}/choose?csrf={csrf}",
                    data={"instrument": "baseline@1", "cohort": "c1", "wave": "baseline",
                          "dates": "day-first"})
    assert "Why nothing can be imported yet" not in r.text
    assert 'id="count-quarantined">1<' in r.text
    r = client.post(f"/import/{uid}/go?csrf={csrf}")
    assert "Stored 4 responses" in r.text
    # a second export for the same cohort and wave: importing would replace, and says what
    r = _drop(client, csrf, SAMPLE / "broken" / "duplicate-respondent.csv")
    uid2 = _uid(r)
    client.post(f"/import/{uid2}/choose?csrf={csrf}",
                data={"instrument": "baseline@1", "cohort": "c1", "wave": "baseline",
                      "dates": "day-first"})
    r = client.get(f"/import/{uid2}")
    assert "already holds import 0001" in r.text and 'name="replace"' in r.text
    r = client.post(f"/import/{uid2}/go?csrf={csrf}")
    assert r.status_code == 400 and "--replace" in r.text  # refused, nothing stored
    r = client.post(f"/import/{uid2}/go?csrf={csrf}", data={"replace": "yes"})
    assert "replaces import 0001" in r.text
    # a new wave is a choice too
    client.post(f"/import/{uid2}/choose?csrf={csrf}",
                data={"instrument": "baseline@1", "cohort": "c1", "wave": "midpoint",
                      "dates": "day-first"})
    assert 'name="new_wave"' in client.get(f"/import/{uid2}").text
    r = client.post(f"/import/{uid2}/go?csrf={csrf}")
    assert r.status_code == 400 and "midpoint" in r.text
    r = client.post(f"/import/{uid2}/go?csrf={csrf}", data={"new_wave": "yes"})
    assert "Stored" in r.text and "wave midpoint" in r.text
    assert client.post(f"/import/{uid2}/choose?csrf={csrf}",
                       data={"instrument": "nope@1", "cohort": "c1",
                             "wave": "baseline"}).status_code == 400


def test_fix_a_respondent_from_the_suggestions(made):
    app, client, csrf, ws = made
    r = _drop(client, csrf, SAMPLE / "broken" / "not-on-roster.csv")
    uid = _uid(r)
    client.post(f"/import/{uid}/go?csrf={csrf}")
    r = client.get(f"/import/{uid}")
    assert 'id="count-warnings">1<' in r.text
    fix = re.search(r"/import/\w+/fix/\d+", r.text).group(0)
    page = client.get(fix).text
    assert "morgan" in page.lower() and "Not on the programme" in page
    first = re.search(r'name="decision" value="(P-\w+)"', page).group(1)
    r = client.post(f"{fix}?csrf={csrf}", data={"decision": first})
    assert "Correction C001 stored" in r.text and "replaces import 0001" in r.text
    assert 'id="count-warnings">0<' in r.text or "not on the roster" not in r.text
    listed = client.get("/corrections").text
    assert "C001" in listed and first in listed and "morgan" not in listed.lower()
    # undo it from the Corrections screen
    r = client.post(f"/corrections/undo?csrf={csrf}", data={"id": "C001"})
    assert "Undid correction C001" in r.text
    # a decision that is nobody on the roster is refused
    r = client.post(f"{fix}?csrf={csrf}", data={"decision": "P-0000000000"})
    assert r.status_code in (400, 404)


def test_fix_a_misspelt_answer_and_mark_someone_not_on_the_programme(made):
    app, client, csrf, ws = made
    r = _drop(client, csrf, SAMPLE / "broken" / "misspelt-label.csv")
    uid = _uid(r)
    client.post(f"/import/{uid}/choose?csrf={csrf}",
                data={"instrument": "baseline@1", "cohort": "c1", "wave": "baseline",
                      "dates": "day-first"})
    page = client.get(f"/import/{uid}").text
    fix = re.search(r"/import/\w+/fix/\d+", page).group(0)
    assert "Strongly agree" in client.get(fix).text
    r = client.post(f"{fix}?csrf={csrf}", data={"decision": "5"})
    assert "applies when you import" in r.text and 'id="count-quarantined">0<' in r.text
    r = client.post(f"/import/{uid}/go?csrf={csrf}")
    assert "Stored 5 responses" in r.text

    r = _drop(client, csrf, SAMPLE / "broken" / "not-on-roster.csv")
    uid = _uid(r)
    fix = re.search(r"/import/\w+/fix/\d+", r.text).group(0)
    r = client.post(f"{fix}?csrf={csrf}", data={"decision": "not_on_programme"})
    assert 'id="count-excluded">1<' in r.text and 'id="count-accepted">4<' in r.text
    from click.testing import CliRunner

    from evaluate.cli import cli

    out = CliRunner().invoke(cli, ["corrections", str(ws)])
    assert out.exit_code == 0 and "C001" in out.output and "C002" in out.output
    assert "not on the programme" in out.output and "morgan" not in out.output.lower()


def test_history_confirms_then_undoes_removes_and_restores(made):
    app, client, csrf, ws = made
    assert "No imports yet" in client.get("/history").text
    uid = _uid(_drop(client, csrf, SAMPLE / "c2" / "connections-c2-handmade.csv"))
    client.post(f"/import/{uid}/go?csrf={csrf}")
    page = client.get("/history").text
    assert "Undo the latest change" in page
    confirm = client.get("/history/confirm?action=remove&id=0001").text
    assert "Are you sure?" in confirm and "no longer use it" in confirm
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "remove", "id": "0001"})
    assert "Removed import 0001" in r.text
    assert "used again" in client.get("/history/confirm?action=undo").text
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "undo"})
    assert "Undid the removal" in r.text
    client.post(f"/history/change?csrf={csrf}", data={"action": "remove", "id": "0001"})
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "restore", "id": "0001"})
    assert "Restored import 0001" in r.text
    assert client.get("/history/confirm?action=nope").status_code == 400
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "remove", "id": "0099"})
    assert r.status_code == 400 and "no import" in r.text.lower()


def _finished(client, job) -> str:
    for _ in range(3000):
        page = client.get(f"/report/job/{job}").text
        if "<h1>Ready" in page or "could not be finished" in page:
            return page
        assert '<meta http-equiv="refresh"' in page and "<progress" in page
        time.sleep(0.1)
    raise AssertionError("the job did not finish")


def _not_again(*args, **kwargs):
    raise AssertionError("the report built its tables again instead of copying the kept files")


def test_report_runs_with_progress_and_offers_its_files(made, monkeypatch):
    app, client, csrf, ws = made
    uid = _uid(_drop(client, csrf, SAMPLE / "c2" / "connections-c2-handmade.csv"))
    assert "Stored" in client.post(f"/import/{uid}/go?csrf={csrf}").text
    r = client.post(f"/report/run?csrf={csrf}")
    job = _uid(r)
    page = _finished(client, job)
    assert "Ready" in page, page
    r = client.get(f"/report/job/{job}/file/tables")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.get(f"/report/job/{job}/dashboard")
    assert "sandbox" in r.headers["content-security-policy"]
    assert client.get(f"/report/job/{job}/file/nothing").status_code == 404
    # the workbooks and csv tables are kept with the stored results, as `evaluate report`
    # keeps them, and the next report copies them: the same bytes
    from evaluate.analysis import kept_report_files
    from evaluate.workspace import Workspace
    from evaluate.workspace.results import results_key

    kept = kept_report_files(Workspace.open(ws), results_key(ws))
    assert all(kept.values()), kept
    with monkeypatch.context() as m:  # copied: neither table is built again
        m.setattr("evaluate.report.build.report_tables", _not_again)
        again = _uid(client.post(f"/report/run?csrf={csrf}"))
        assert "Ready" in _finished(client, again)
    assert client.get(f"/report/job/{again}/file/tables").content == (
        client.get(f"/report/job/{job}/file/tables").content)
    assert client.get("/report/job/nope").status_code == 404
    assert "personal" in client.get("/report").text.lower()
    r = client.post(f"/report/personal?csrf={csrf}")
    assert r.status_code == 400 and "tick" in r.text
    r = client.post(f"/report/personal?csrf={csrf}", data={"understood": "yes"})
    page = _finished(client, _uid(r))
    # (the network survey is in the browser test's workspace; here no one answered it)
    assert "Ready" in page and "No personal pages: no one answered the network" in page
    z = client.get(f"/report/job/{_uid(r)}/file/personal")
    import io
    import zipfile

    assert zipfile.ZipFile(io.BytesIO(z.content)).namelist() == ["README.txt", "index.csv"]


def test_publish_writes_what_evaluate_publish_writes(made):
    app, client, csrf, ws = made
    r = client.post(f"/publish?csrf={csrf}", data={"instrument": "baseline@1",
                                                   "platform": "xlsform"})
    job = _uid(r)
    z = client.get(f"/report/job/{job}/file/publish")
    assert z.status_code == 200 and z.content[:2] == b"PK"
    assert client.post(f"/publish?csrf={csrf}", data={"instrument": "x",
                                                      "platform": "y"}).status_code == 400


def test_errors_are_pages_in_plain_english(made):
    app, client, csrf, ws = made
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "no such page" in r.text.lower()
    assert client.get("/import/0123").status_code == 404
    r = client.post(f"/import?csrf={csrf}", files={"export": ("empty.csv", b"")})
    assert r.status_code == 400 and "empty" in r.text
    r = client.post(f"/import?csrf={csrf}", files={"export": ("notes.pdf", b"%PDF-1.4 hello")})
    assert r.status_code == 400 and "Traceback" not in r.text


def test_a_disk_error_is_a_page_naming_the_file(made, monkeypatch):
    app, client, csrf, ws = made

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(ws / "manifest.json"))

    monkeypatch.setattr("evaluate.workspace.Workspace.undo", full)
    r = client.post(f"/history/change?csrf={csrf}", data={"action": "undo"})
    assert r.status_code == 500 and "manifest.json" in r.text and "as it was" in r.text
    assert "Traceback" not in r.text


def test_no_workspace_open_says_so(tmp_path):
    app = create_app(None, scratch=tmp_path / "s")
    client = _client(app)
    _login(client, app)
    for path in ("/workspace", "/import", "/history", "/corrections", "/report", "/publish"):
        r = client.get(path)
        assert r.status_code == 409 and "No workspace is open" in r.text, path


# ------------------------------------------------------------------ the same as the CLI
EXPORTS = [("c1/baseline-c1-msforms.xlsx", "baseline@1", "c1", "baseline", None),
           ("c1/connections-c1-google.csv", "connections@1", "c1", "baseline", "day-first"),
           ("c2/post-c2-qualtrics-numeric.csv", "post@1", "c2", "end", None)]


def _without_times(manifest: dict) -> dict:
    for r in manifest["records"]:
        r.pop("stored_at", None)
    for e in manifest["events"]:
        e.pop("at", None)
    return manifest


def test_a_workspace_made_in_the_app_is_the_one_the_commands_make(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from evaluate.cli import cli

    monkeypatch.setattr("evaluate.workspace.core.new_salt", lambda: "f" * 32)
    app = create_app(None, scratch=tmp_path / "scratch")
    client = _client(app)
    csrf = _login(client, app)
    with ROSTER.open("rb") as fh:
        client.post(f"/create?csrf={csrf}", data={"folder": str(tmp_path / "app-ws")},
                    files={"roster": ("roster.csv", fh)})
    cli_ws = tmp_path / "cli-ws"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(cli_ws), "--roster", str(ROSTER)]).exit_code == 0
    for path, ref, cohort, wave, dates in EXPORTS:
        uid = _uid(_drop(client, csrf, SAMPLE / path))
        client.post(f"/import/{uid}/choose?csrf={csrf}", data={
            "instrument": ref, "cohort": cohort, "wave": wave, "dates": dates or ""})
        assert "Stored" in client.post(f"/import/{uid}/go?csrf={csrf}").text
        args = ["ingest", str(SAMPLE / path), "-w", str(cli_ws), "-i", ref, "-c", cohort,
                "--wave", wave, "-q"] + (["--dates", dates] if dates else [])
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    app_ws = tmp_path / "app-ws"
    manifests = [_without_times(json.loads((w / "manifest.json").read_text()))
                 for w in (app_ws, cli_ws)]
    assert manifests[0] == manifests[1]
    files = sorted(p.relative_to(cli_ws) for p in cli_ws.rglob("*.parquet"))
    assert len(files) >= 5
    assert files == sorted(p.relative_to(app_ws) for p in app_ws.rglob("*.parquet"))
    for rel in files:
        assert (app_ws / rel).read_bytes() == (cli_ws / rel).read_bytes(), rel


def test_an_app_import_and_a_command_line_import_queue_and_both_are_recorded(made):
    from evaluate.workspace.files import WorkspaceLock

    app, client, csrf, ws = made
    uid = _uid(_drop(client, csrf, SAMPLE / "c1" / "connections-c1-google.csv"))
    client.post(f"/import/{uid}/choose?csrf={csrf}", data={
        "instrument": "connections@1", "cohort": "c1", "wave": "baseline", "dates": "day-first"})
    results = {}
    with WorkspaceLock(ws, what="a test holding the lock"):
        terminal = subprocess.Popen(
            [sys.executable, "-m", "evaluate.cli", "ingest",
             str(SAMPLE / "c2" / "connections-c2-handmade.csv"), "-w", str(ws), "-i",
             "connections@1", "-c", "c2", "--wave", "baseline", "-q"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(ROOT))
        browser = threading.Thread(target=lambda: results.update(
            app=client.post(f"/import/{uid}/go?csrf={csrf}")))
        browser.start()
        time.sleep(1.0)  # both are waiting for the lock now
        assert browser.is_alive() and terminal.poll() is None
    browser.join(60)
    out, _ = terminal.communicate(timeout=120)
    assert terminal.returncode == 0, out
    assert "Stored" in results["app"].text
    manifest = json.loads((ws / "manifest.json").read_text())
    assert sorted((r["cohort"], r["state"]) for r in manifest["records"]) == [
        ("c1", "active"), ("c2", "active")]
    assert len({e["seq"] for e in manifest["events"]}) == len(manifest["events"]) == 2


# ------------------------------------------------------------------ the command
def test_the_app_command_prints_one_address_and_guards_remote_use(tmp_path, monkeypatch):
    import uvicorn
    from click.testing import CliRunner

    from evaluate.cli import cli
    from evaluate.workspace import Workspace

    started = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: started.append(self.config))
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    ws = Workspace.init(tmp_path / "ws", roster=ROSTER)
    runner = CliRunner()
    done = runner.invoke(cli, ["app", str(ws.path), "--no-browser"])
    assert done.exit_code == 0, done.output
    line = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]{20,})", done.output)
    assert line and started[0].host == "127.0.0.1" and started[0].port == int(line.group(1))
    assert started[0].access_log is False and opened == []
    done = runner.invoke(cli, ["app", "--host", "0.0.0.0", "--no-browser"])
    assert done.exit_code == 2 and "--allow-remote" in done.output and len(started) == 1
    done = runner.invoke(cli, ["app", "--host", "0.0.0.0", "--allow-remote", "--no-browser"])
    assert done.exit_code == 0 and "Warning" in done.output and "token" in done.output
    assert len(started) == 2
    done = runner.invoke(cli, ["app", str(ws.path), "--demo"])
    assert done.exit_code == 2 and "not both" in done.output
    done = runner.invoke(cli, ["app", str(tmp_path / "nothing"), "--no-browser"])
    assert done.exit_code == 2 and "Traceback" not in done.output and len(started) == 2
