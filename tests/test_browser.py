"""The course as a student sees it: JupyterLab in a real browser.

One JupyterLab (the student lab of `course.py lab`, on a free loopback port with a token) serves copies of
notebooks/ and solutions/; Playwright drives Debian's Chromium (`apt-get install chromium`; never a
downloaded browser), headless and off the network. One page of that lab opens every notebook in turn and
runs all its cells once (the next AHEAD notebooks already start and run in background tabs while one is being
looked at), then:

- no cell shows an error, and stderr holds nothing but the line a failing check writes for nbgrader;
- every check panel is there, and its text is readable (WCAG contrast >= 4.5) in the light and the dark
  theme (the theme is switched on the same page: one switch per notebook); in a solution every check passed;
- every widget is a live widget, and moving one of its controls changes its figure (every widget in the
  solutions; the first in the students' notebooks, whose widgets draw the same references); slider tracks are
  wide enough to use (>= 150 px); the line below each explorer that says to run the cell again is hidden;
- the browser console shows no JavaScript error.

Then, on representative notebooks (RELOADED): after the page is reloaded while the kernel runs, a control still
changes its figure; after the kernel is gone (shut down, the page reloaded), each widget says "model not found"
and the line below it, now shown, says to run the cell again.

Screenshots of every notebook in both themes go to .pytest_cache/browser/ (printed at the end of the run), with
timings.json: where the time went (opening and starting the kernel, running all cells, the checks).
All tests share one server, one browser and one page: they form one xdist group (pyproject: --dist loadgroup).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("MLCOURSE_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / ".pytest_cache" / "browser"
NOTEBOOKS = [f"{folder}/{p.name}" for folder in ("notebooks", "solutions")
             for p in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))]
# Reloaded while the kernel runs, then after it is gone (the same widget code serves every notebook).
RELOADED = ["notebooks/02_gradient_descent.ipynb"]
LAUNCH_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
                "--metrics-recording-only", "--no-default-browser-check"]
THEMES = ("JupyterLab Light", "JupyterLab Dark")
MIN_CONTRAST = 4.5
FIGURE_SECONDS = 60  # a moved control must have changed its figure by then (training explorers included)
RUN_SECONDS = 600  # opening a notebook, starting its kernel and running all its cells
AHEAD = int(os.environ.get("MLCOURSE_BROWSER_AHEAD", "2"))  # notebooks opened and run ahead in background tabs

pytestmark = pytest.mark.xdist_group("browser")


def _course_script():
    spec = importlib.util.spec_from_file_location("course_script", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    def __init__(self, url: str, token: str, log: Path):
        self.url, self.token, self.log = url, token, log

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down(self, path: str) -> bool:
        """Shuts down the kernel of the notebook at `path` (True if one ran)."""
        sessions = [s for s in self.api("/api/sessions") if s.get("path") == path]
        for session in sessions:
            self.api(f"/api/sessions/{session['id']}", method="DELETE")
        return bool(sessions)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The student lab, serving copies of notebooks/ and solutions/ (the run must not change the originals)."""
    pytest.importorskip("playwright", reason="playwright is not installed (requirements.txt has it)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    base = tmp_path_factory.mktemp("lab")
    root, config = base / "course", base / "config"
    for folder in ("notebooks", "solutions"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    args, env = _course_script().student_lab(config, root=root)
    # Every cell in the page (no windowing), so that each panel and widget can be looked at.
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "get notified about Jupyter news?" toast over the screenshots
    settings = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = _free_port(), uuid.uuid4().hex
    log = base / "jupyterlab.log"
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", *args, "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", "--expose-app-in-browser",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    env = {**os.environ, **env, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    env.pop("MLCOURSE_GRADING_SEED", None)
    with open(log, "w") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    served = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                served.api("/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield served
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(lab, request):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="module")
def course(lab, browser, request):
    """One page of the lab for every test; page.errors collects what its console says is an error."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    driver = Course(page, lab, [item.callspec.params["path"] for item in request.session.items
                                if item.originalname == "test_a_notebook_in_the_browser"])
    driver.load()
    try:
        yield driver
    finally:
        (SCREENSHOTS / "timings.json").write_text(json.dumps(driver.timings, indent=1))
        totals = {}
        for steps in driver.timings.values():
            for step, seconds in steps.items():
                totals[step] = totals.get(step, 0) + seconds
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and totals:
            reporter.write_line("browser seconds (summed over notebooks; opening and running overlap the checks of"
                                " the notebook before): " + ", ".join(f"{k} {v:.0f}" for k, v in totals.items()))
        context.close()
        for session in lab.api("/api/sessions"):
            lab.api(f"/api/sessions/{session['id']}", method="DELETE")


# ---------------------------------------------------------------------------------------------------
# Driving JupyterLab

# Opens a notebook in a tab of its own without showing it, waits for its kernel and runs all its cells; the
# promise (kept in window.mlcourseRuns) gives the tab's id and the seconds each step took.
START = """([path, seconds]) => {
  const app = window.jupyterapp, t0 = performance.now();
  const work = (async () => {
    const w = await app.commands.execute('docmanager:open', {path, options: {activate: false}});
    await w.context.ready;
    await w.sessionContext.ready;
    while (w.sessionContext.session?.kernel?.status !== 'idle') await new Promise(r => setTimeout(r, 50));
    const t1 = performance.now();
    await app.commands.execute('notebook:run-all-cells', {widgetId: w.id, activate: false});
    return {id: w.id, open: (t1 - t0) / 1000, run: (performance.now() - t1) / 1000};
  })();
  const limit = new Promise((_, fail) => setTimeout(() => fail(new Error(`${path}: not run in ${seconds} s`)),
                                                      seconds * 1000));
  (window.mlcourseRuns ??= {})[path] = Promise.race([work, limit]);
}"""

# Closes a notebook's tab without asking to save (its outputs were made by the test), and unless told to keep
# it, shuts its kernel down (without waiting for that).
CLOSE = """([id, keep]) => { const app = window.jupyterapp, w = app.shell.widgets('main').find(w => w.id === id);
  if (!w) return; const session = w.sessionContext.session?.id;
  w.context.model.dirty = false; w.dispose();
  if (session && !keep) app.serviceManager.sessions.shutdown(session).catch(e => console.warn(e)); }"""

# Every widget output has either rendered or given up (it says "Loading widget..." while its model is on its way).
WIDGETS_SETTLED = """node => ![...node.querySelectorAll('.jp-OutputArea-output')]
  .some(o => o.textContent === 'Loading widget...')"""

CONTRAST = """node => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return {rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1}; };
  const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const behind = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c.rgb; } return [255, 255, 255]; };
  const found = [];
  for (const panel of node.querySelectorAll('.mlcourse-check')) {
    for (const el of [panel, ...panel.querySelectorAll('*')]) {
      if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
      const fg = parse(getComputedStyle(el).color), bg = behind(el);
      const [hi, lo] = [lum(fg.rgb), lum(bg)].sort((a, b) => b - a);
      found.push({text: el.textContent.trim().slice(0, 70), ratio: (hi + 0.05) / (lo + 0.05),
                  color: getComputedStyle(el).color, background: bg.join(',')});
    }
  }
  return found;
}"""

# The theme's own stylesheet is in force: its background colour is dark exactly when the theme is.
THEME_APPLIED = """light => document.body.dataset.jpThemeLight === String(light) && (() => {
  const c = getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim();
  const probe = document.createElement('div'); probe.style.color = c; document.body.appendChild(probe);
  const rgb = getComputedStyle(probe).color.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number); probe.remove();
  return (rgb[0] + rgb[1] + rgb[2] > 3 * 128) === light; })()"""

CONTROLS = ".widget-slider, .widget-dropdown, .widget-checkbox"
RERUN_HINT = ".mlcourse-rerun"  # the line below an explorer (mlcourse.widgets.core.RerunHint)
FIGURES = "cell => [...cell.querySelectorAll('.jp-OutputArea img')].map(i => i.src).join('|')"
CHANGED = "([cell, before]) => [...cell.querySelectorAll('.jp-OutputArea img')].map(i => i.src).join('|') !== before"


class Course:
    """The one page: notebooks opened and run ahead of the test that looks at them, one theme switch a notebook."""

    def __init__(self, page, lab: Lab, order: list[str]):
        self.page, self.lab, self.order = page, lab, order
        self.started: set[str] = set()
        self.theme = THEMES[0]
        self.timings: dict[str, dict[str, float]] = {}

    def load(self, path: str | None = None) -> None:
        """Loads the lab in a fresh workspace (with `path` open, as a reloaded page has it)."""
        workspace = "w" + uuid.uuid4().hex[:8]
        tree = f"/tree/{path}" if path else ""
        self.page.goto(f"{self.lab.url}/lab/workspaces/{workspace}{tree}?token={self.lab.token}")
        self.page.wait_for_function("() => window.jupyterapp")
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")
        self.page.wait_for_function("() => ['docmanager:open', 'notebook:run-all-cells', 'apputils:change-theme']"
                                    ".every(c => window.jupyterapp.commands.hasCommand(c))"
                                    " && document.querySelector('.lm-MenuBar-itemLabel')")
        self.started.clear()

    def start(self, path: str) -> None:
        if path not in self.started:
            self.page.evaluate(START, [path, RUN_SECONDS])
            self.started.add(path)

    def open_and_run(self, path: str) -> str:
        """Runs the notebook at `path` (and starts the next AHEAD in the background); shows it; its tab's id."""
        self.start(path)
        if path in self.order:
            for ahead in self.order[self.order.index(path) + 1:][:AHEAD]:
                self.start(ahead)
        with self.timed(path, "waited"):
            done = self.page.evaluate("path => window.mlcourseRuns[path]", path)
        self.timings[path].update(open=round(done["open"], 1), run=round(done["run"], 1))
        with self.timed(path, "shown"):
            self.page.evaluate("id => window.jupyterapp.shell.activateById(id)", done["id"])
            node = self.page.locator(f"[id='{done['id']}']")
            node.locator(".jp-Notebook").wait_for(state="visible")
            self.page.wait_for_function(WIDGETS_SETTLED, arg=node.element_handle())
        return done["id"]

    def close(self, path: str, tab: str, keep_kernel: bool = False) -> None:
        with self.timed(path, "closed"):
            self.page.evaluate(CLOSE, [tab, keep_kernel])
        self.started.discard(path)

    def set_theme(self, theme: str) -> None:
        if theme != self.theme:
            self.page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
                               theme)
            self.page.wait_for_function(THEME_APPLIED, arg=theme == THEMES[0])
            self.theme = theme

    def themes(self) -> tuple[str, str]:
        """Both themes, the current first: one switch a notebook."""
        return (self.theme, *[t for t in THEMES if t != self.theme])

    @contextlib.contextmanager
    def timed(self, path: str, what: str):
        """Adds the seconds the block took to timings[path][what]."""
        begun = time.monotonic()
        try:
            yield
        finally:
            steps = self.timings.setdefault(path, {})
            steps[what] = round(steps.get(what, 0) + time.monotonic() - begun, 1)


def check_cells(path: str) -> int:
    nb = json.loads((ROOT / path).read_text())
    return sum("grader.check(" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def widget_cells(node):
    """The code cells showing controls, as Playwright locators."""
    cells = node.locator(".jp-Notebook .jp-CodeCell")
    showing = cells.evaluate_all(f"cells => cells.map((c, i) => c.querySelector("
                                 f"'.jp-OutputArea :is({CONTROLS})') ? i : -1).filter(i => i >= 0)")
    return [cells.nth(i) for i in showing]


def move(page, control) -> None:
    """Moves a control a long way: a slider to its other end, a dropdown to another choice, a box clicked."""
    classes = control.get_attribute("class")
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        page.keyboard.press("Home" if at_max else "End")
    elif "widget-dropdown" in classes:
        select = control.locator("select")
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=0 if current else 1)
    else:
        control.locator("input").click()


def figures_change(page, cells) -> list[int]:
    """Moves a control of each cell's widget (all first, so that the kernel redraws them one after the other
    while the test waits) and waits for each figure to change; a cell whose figure did not change within
    FIGURE_SECONDS gets its next control moved (one may not matter in the current setting, e.g. leaky ReLU's α
    while tanh is shown). The indices of the cells whose figure changed for neither of two controls."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pending = list(range(len(cells)))
    for k in range(2):
        moved = []
        for i in pending:
            controls = cells[i].locator(".jp-OutputArea").locator(CONTROLS)
            if k < controls.count():
                handle = cells[i].element_handle()
                moved.append((i, handle, handle.evaluate(FIGURES)))
                move(page, controls.nth(k))
        pending = [i for i in pending if i not in {m[0] for m in moved}]
        for i, handle, before in moved:
            try:
                page.wait_for_function(CHANGED, arg=[handle, before], timeout=FIGURE_SECONDS * 1000, polling=100)
            except PlaywrightTimeout:
                pending.append(i)
        if not pending:
            break
    return sorted(pending)


def screenshot(page, target, name: str) -> None:
    target.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "-").removesuffix(".ipynb") + ".png")))


def new_errors(page, before: int, expected: str | None = None) -> list[str]:
    return [e for e in page.errors[before:] if expected is None or expected not in e]


# ---------------------------------------------------------------------------------------------------
# The tests


def test_the_student_lab_shows_student_menus_only(lab, course):
    page = course.page
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    tabs = page.evaluate("() => [...document.querySelectorAll('.lm-TabBar-tab')].map(t => t.title || t.textContent)")
    assert "File" in menus and not [m for m in menus + tabs if "grader" in m.lower() or "assignment" in m.lower()], \
        (menus, tabs)
    assert "nbgrader_config" not in lab.log.read_text()
    assert not page.errors, page.errors


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_a_notebook_in_the_browser(course, path):
    page, errors = course.page, len(course.page.errors)
    tab = course.open_and_run(path)
    try:
        node = page.locator(f"[id='{tab}']")
        failed = node.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert not failed.count(), f"cells raised: {failed.all_inner_texts()}"
        # the only words on stderr: the one line a failing check writes for nbgrader's validate (the students')
        stderr = node.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        stderr = stderr.all_inner_texts()
        assert not [text for text in stderr if "does not pass its check yet" not in text], stderr
        if path.startswith("solutions/"):
            assert not stderr, stderr

        panels = node.locator(".mlcourse-check")
        assert panels.count() == check_cells(path), "every check shows its panel"
        if path.startswith("solutions/"):
            titles = [t.strip() for t in panels.locator("b").all_inner_texts()]
            assert all(t.startswith("✔") for t in titles), [t for t in titles if not t.startswith("✔")]
        for theme in course.themes():
            with course.timed(path, "theme switched"):
                course.set_theme(theme)
            with course.timed(path, "contrast and screenshots"):
                unreadable = [p for p in node.evaluate(CONTRAST) if p["ratio"] < MIN_CONTRAST]
                shown = panels.first if panels.count() else node.locator(".jp-Notebook .jp-Cell").first
                screenshot(page, shown, path.removesuffix(".ipynb") + ("-dark" if "Dark" in theme else "-light"))
            assert not unreadable, f"{theme}: {unreadable[:5]}"

        cells = widget_cells(node)
        narrow = node.evaluate("node => [...node.querySelectorAll('.widget-slider')].map(s => [s.innerText,"
                               " s.getBoundingClientRect().width, s.querySelector('.slider-container')"
                               ".getBoundingClientRect().width]).filter(s => s[2] < 150)")
        assert not narrow, f"slider tracks narrower than 150 px: {narrow}"
        static = [i for i, cell in enumerate(cells) if not cell.locator(".jupyter-widgets img").count()]
        assert not static, f"widgets {static} of {len(cells)} show no live figure"
        hints = node.evaluate(f"n => [...n.querySelectorAll('{RERUN_HINT}')].map(h => h.checkVisibility())")
        assert len(hints) >= len(cells) and not any(hints), "each live explorer's re-run hint is there, hidden"
        moved = cells if path.startswith("solutions/") else cells[:1]  # the students' draw the same references
        with course.timed(path, "controls moved"):
            frozen = figures_change(page, moved)
        assert not frozen, f"{len(frozen)} of {len(moved)} widgets did not redraw when a control moved: {frozen}"
        assert not new_errors(page, errors), new_errors(page, errors)
    finally:
        keep = path in RELOADED  # its kernel goes on running, for the reload test
        if keep:
            page.evaluate("id => window.jupyterapp.commands.execute('docmanager:save', {widgetId: id})", tab)
        course.close(path, tab, keep_kernel=keep)


@pytest.mark.parametrize("path", RELOADED)
def test_a_reloaded_page_redraws_and_without_a_kernel_says_to_run_the_cell_again(course, lab, path):
    page = course.page
    if not [s for s in lab.api("/api/sessions") if s.get("path") == path]:  # its notebook test did not run
        tab = course.open_and_run(path)
        page.evaluate("id => window.jupyterapp.commands.execute('docmanager:save', {widgetId: id})", tab)
        page.wait_for_function("id => !window.jupyterapp.shell.widgets('main').find(w => w.id === id)"
                               ".context.model.dirty", arg=tab)
        course.close(path, tab, keep_kernel=True)

    # Saved (as autosave does) and reloaded while the kernel runs: the controls must still redraw.
    errors = len(page.errors)
    with course.timed(path, "reloaded"):
        course.load(path)
        node = page.locator(".jp-NotebookPanel:visible")
        node.locator(f".jp-OutputArea :is({CONTROLS})").first.wait_for()
        page.wait_for_function(WIDGETS_SETTLED, arg=node.element_handle())
        cell = widget_cells(node)[0]
        hints = cell.locator(RERUN_HINT)
        assert hints.count() and not [h for h in hints.all() if h.is_visible()], "a live widget shows a re-run hint"
        assert not figures_change(page, [cell]), "after a reload the first widget's figure does not redraw"
    assert not new_errors(page, errors), new_errors(page, errors)

    # The kernel gone (shut down, as after a restart or on the next day), the page reloaded: the widget's
    # model is lost with the kernel, and its output must say to run the cell again.
    errors = len(page.errors)
    assert lab.shut_down(path)
    with course.timed(path, "reloaded without kernel"):
        course.load(path)
        node = page.locator(".jp-NotebookPanel:visible")
        # a new kernel, connected: the widget manager has asked it for its widgets (and found none)
        page.wait_for_function("() => { const k = window.jupyterapp.shell.currentWidget?.sessionContext?.session"
                               "?.kernel; return k?.connectionStatus === 'connected' && k.status === 'idle'; }")
        page.wait_for_function(WIDGETS_SETTLED, arg=node.element_handle())
        lost = node.locator(".jp-CodeCell").filter(
            has=page.locator(".jp-OutputArea-output", has_text="model not found"))
        lost.first.wait_for()
        silent = [lost.nth(i).inner_text() for i in range(lost.count())
                  if not lost.nth(i).locator(RERUN_HINT).first.is_visible()]
        assert not silent, f"widgets lost with the kernel, and nothing says to run the cell again: {silent}"
        assert "run this cell again" in lost.first.locator(RERUN_HINT).first.inner_text().lower()
        screenshot(page, lost.first, path.removesuffix(".ipynb") + "-without-kernel")
    # JupyterLab's widget manager logs the lost model as an error; nothing else may
    assert not new_errors(page, errors, expected="widget model not found"), new_errors(page, errors)
    lab.shut_down(path)
