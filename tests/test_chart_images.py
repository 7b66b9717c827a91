"""The camera that photographs the dashboard's charts: opened early, used once or let go."""

from __future__ import annotations

from evaluate.report.chart_images import Camera, chart_images
from tests.browser_support import need_browser

PAGE = """<!doctype html><html><body data-rendered="1">
<div id="fig-a" style="width:60px;height:30px;background:#c00"></div>
<div id="fig-b" style="width:40px;height:20px;background:#00c"></div>
</body></html>"""


def test_an_unused_camera_lets_chromium_go():
    with Camera() as camera:
        pass
    images, why_none = camera._pictures.result(timeout=60)  # its thread has ended
    assert images == {}
    assert why_none  # not installed, not found, or not asked for: always said


def test_a_camera_opened_early_takes_the_same_pictures(tmp_path):
    need_browser()
    dashboard = tmp_path / "dashboard.html"
    dashboard.write_text(PAGE, encoding="utf-8")
    with Camera() as camera:  # Chromium starts before it is told what to photograph
        images, why_none = camera.photograph(dashboard, ["fig-b", "fig-missing", "fig-a"],
                                             tmp_path / "early").result(timeout=120)
    assert why_none == ""
    assert sorted(images) == ["fig-a", "fig-b"]  # a chart not on the page has no picture
    at_once, _ = chart_images(dashboard, ["fig-b", "fig-missing", "fig-a"], tmp_path / "now")
    for fig_id, path in images.items():
        assert path.parent == tmp_path / "early"
        assert path.read_bytes() == at_once[fig_id].read_bytes()
    camera.close()  # closing again after the pictures: nothing happens
