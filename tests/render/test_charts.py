import xml.etree.ElementTree as ET

import pytest

from ecr_report.reports.render import Series, svg_bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(**kwargs):
    return svg_bar_chart(
        ["111122223333 · us-east-1", "<evil> & \"quoted\""],
        [Series("On push", [3, 5], "#6a9bd1"), Series("Manual <b>", [2, None], "#c0504d")],
        title="Repositories by frequency & <registry>", chart_id="t1", **kwargs)


def test_well_formed_with_accessible_title():
    root = ET.fromstring(str(chart()))
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title = root.find(SVG + "title")
    assert title is not None and title.text == "Repositories by frequency & <registry>"
    assert root.get("aria-labelledby") == "t1-title t1-desc"
    texts = [t.text for t in root.iter(SVG + "text")]
    assert "<evil> & \"quoted\"" in texts  # escaped in the markup, intact once parsed
    assert "Manual <b>" in texts
    bars = [g for g in root.iter(SVG + "g") if g.get("class") == "bar"]
    assert [g.findall(SVG + "text")[-1].text for g in bars] == ["5", "5"]  # totals


def test_labels_are_escaped_in_markup():
    text = str(chart())
    assert "<evil>" not in text and "<b>" not in text
    assert "&lt;evil&gt;" in text


def test_deterministic():
    assert str(chart()) == str(chart())


def test_missing_values_draw_nothing_and_segments_stack():
    root = ET.fromstring(str(chart()))
    rects = [r for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None]
    assert len(rects) == 3  # the None segment is not drawn
    first_bar = rects[:2]
    x0, w0 = float(first_bar[0].get("x")), float(first_bar[0].get("width"))
    assert float(first_bar[1].get("x")) == pytest.approx(x0 + w0, abs=0.02)


def test_empty_chart_is_still_valid():
    root = ET.fromstring(str(svg_bar_chart([], [Series("x", [], "#000")], title="Empty")))
    assert "No data" in [t.text for t in root.iter(SVG + "text")]


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        svg_bar_chart(["a"], [Series("x", [1, 2], "#000")], title="t")
    with pytest.raises(ValueError):
        svg_bar_chart(["a"], [Series("x", [1], "red;stroke:url(http://x)")], title="t")
    with pytest.raises(ValueError):
        svg_bar_chart(["a"], [Series("x", [-1], "#000")], title="t")
