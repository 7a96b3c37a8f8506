"""The course as a student sees it: JupyterLab in a real browser.

One JupyterLab (the student lab of `course.py lab`, on a free loopback port with a token) serves copies of
notebooks/ and solutions/; Playwright drives Debian's Chromium (`apt-get install chromium`; never a
downloaded browser), headless and off the network. Each notebook is opened and run top to bottom, then:

- every check panel is there, and its text is readable (WCAG contrast >= 4.5) in the light and dark themes;
  in a solution every check has passed;
- every widget is a live widget, and moving one of its controls changes its figure (every widget in the
  solutions; the first in the students' notebooks, whose widgets draw the same references); slider tracks are
  wide enough to use (>= 150 px);
- after the page is reloaded (the kernel still running) a control still changes its figure;
- the browser console shows no JavaScript error.

Screenshots of every notebook in both themes go to .pytest_cache/browser/ (printed at the end of the run).
All tests share one server and one browser: they form one xdist group (pyproject: --dist loadgroup).
"""

from __future__ import annotations

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
LAUNCH_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
                "--metrics-recording-only", "--no-default-browser-check"]
THEMES = ("JupyterLab Light", "JupyterLab Dark")
MIN_CONTRAST = 4.5
FIGURE_SECONDS = 60  # a moved control must have changed its figure by then (training explorers included)

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
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def browser(lab, request):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@pytest.fixture
def page(lab, browser):
    """A fresh tab; fails the test on any JavaScript error in its console."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(120_000)
    errors = []
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    context.close()
    lab.shut_down_kernels()


# ---------------------------------------------------------------------------------------------------
# Driving JupyterLab


def open_notebook(page, lab: Lab, path: str, workspace: str) -> None:
    """Opens `path` in a workspace of its own (so that no notebook of an earlier test comes back with it)."""
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{path}?token={lab.token}")
    page.wait_for_function(f"() => window.jupyterapp?.shell.currentWidget?.context?.path === {json.dumps(path)}")
    page.wait_for_function("async () => { const w = window.jupyterapp.shell.currentWidget;"
                           " await w.context.ready; await w.sessionContext.ready; return true; }")
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel"
                           "?.status === 'idle'")


def run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           " return w.sessionContext.session?.kernel?.status === 'idle'"
                           " && ![...document.querySelectorAll('.jp-InputArea-prompt')]"
                           "     .some(p => p.textContent.includes('*')); }", timeout=600_000, polling=500)


def set_theme(page, theme: str) -> None:
    page.evaluate("theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    light = "true" if theme == THEMES[0] else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")
    page.wait_for_timeout(500)  # the theme's stylesheet applied


CONTRAST = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return {rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1}; };
  const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const behind = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c.rgb; } return [255, 255, 255]; };
  const found = [];
  for (const panel of document.querySelectorAll('.mlcourse-check')) {
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


def check_cells(path: str) -> int:
    nb = json.loads((ROOT / path).read_text())
    return sum("grader.check(" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def widget_cells(page):
    """The code cells showing controls, as Playwright locators."""
    cells = page.locator(".jp-Notebook .jp-CodeCell")
    return [cells.nth(i) for i in range(cells.count())
            if cells.nth(i).locator(".jp-OutputArea .widget-slider, .jp-OutputArea .widget-dropdown,"
                                    " .jp-OutputArea .widget-checkbox").count()]


FIGURES = "cell => [...cell.querySelectorAll('.jp-OutputArea img')].map(i => i.src).join('|')"


CONTROLS = ".widget-slider, .widget-dropdown, .widget-checkbox"


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


def figure_changes(page, cell) -> bool:
    """Moves the cell's controls in turn (one may not matter in the current setting, e.g. leaky ReLU's α while
    tanh is shown) until its figure changes; False if none changed it within FIGURE_SECONDS."""
    cell.scroll_into_view_if_needed()
    controls = cell.locator(".jp-OutputArea").locator(CONTROLS)
    for k in range(min(controls.count(), 2)):
        before = cell.evaluate(FIGURES)
        move(page, controls.nth(k))
        deadline = time.monotonic() + FIGURE_SECONDS
        while time.monotonic() < deadline:
            page.wait_for_timeout(250)
            if cell.evaluate(FIGURES) != before:
                return True
    return False


def screenshot(page, path: str, theme: str) -> None:
    panel = page.locator(".mlcourse-check")
    target = panel.first if panel.count() else page.locator(".jp-Notebook .jp-Cell").first
    target.scroll_into_view_if_needed()
    name = path.replace("/", "-").removesuffix(".ipynb") + ("-dark" if "Dark" in theme else "-light") + ".png"
    page.screenshot(path=str(SCREENSHOTS / name))


# ---------------------------------------------------------------------------------------------------
# The tests


def test_the_student_lab_shows_student_menus_only(lab, page):
    page.goto(f"{lab.url}/lab?token={lab.token}")
    page.wait_for_selector(".lm-MenuBar-itemLabel")
    page.wait_for_timeout(1000)
    menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    tabs = page.evaluate("() => [...document.querySelectorAll('.lm-TabBar-tab')].map(t => t.title || t.textContent)")
    assert "File" in menus and not [m for m in menus + tabs if "grader" in m.lower() or "assignment" in m.lower()], \
        (menus, tabs)
    assert "nbgrader_config" not in lab.log.read_text()
    assert not page.errors, page.errors


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_a_notebook_in_the_browser(lab, page, path):
    workspace = "w" + uuid.uuid4().hex[:8]
    open_notebook(page, lab, path, workspace)
    run_all(page)
    # the only words on stderr: the one line a failing check writes for nbgrader's validate (the student copies)
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    assert not [text for text in stderr if "does not pass its check yet" not in text], stderr
    if path.startswith("solutions/"):
        assert not stderr, stderr

    panels = page.locator(".mlcourse-check")
    assert panels.count() == check_cells(path), "every check shows its panel"
    if path.startswith("solutions/"):
        titles = [t.strip() for t in panels.locator("b").all_inner_texts()]
        assert all(t.startswith("✔") for t in titles), [t for t in titles if not t.startswith("✔")]
    for theme in THEMES:
        set_theme(page, theme)
        unreadable = [p for p in page.evaluate(CONTRAST) if p["ratio"] < MIN_CONTRAST]
        screenshot(page, path, theme)
        assert not unreadable, f"{theme}: {unreadable[:5]}"

    cells = widget_cells(page)
    narrow = page.evaluate("() => [...document.querySelectorAll('.widget-slider')].map(s => [s.innerText,"
                           " s.getBoundingClientRect().width, s.querySelector('.slider-container')"
                           ".getBoundingClientRect().width]).filter(s => s[2] < 150)")
    assert not narrow, f"slider tracks narrower than 150 px: {narrow}"
    static = [i for i, cell in enumerate(cells) if not cell.locator(".jupyter-widgets img").count()]
    assert not static, f"widgets {static} of {len(cells)} show no live figure"
    moved = cells if path.startswith("solutions/") else cells[:1]  # the students' draw the same references
    frozen = [i for i, cell in enumerate(moved) if not figure_changes(page, cell)]
    assert not frozen, f"{len(frozen)} of {len(moved)} widgets did not redraw when a control moved: {frozen}"

    if cells:  # saved (as autosave does), reloaded while the kernel runs: the controls must still redraw
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        open_notebook(page, lab, path, workspace)  # a new page load, the same workspace and kernel
        page.wait_for_selector(".jp-OutputArea .widget-slider, .jp-OutputArea .widget-dropdown")
        cell = widget_cells(page)[0]
        text = cell.inner_text()
        assert figure_changes(page, cell) or "run this cell" in text.lower(), \
            "after a reload the first widget's figure neither redraws nor says to re-run the cell"
    assert not page.errors, page.errors
