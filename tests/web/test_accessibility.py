"""The site's pages for people who use a keyboard, a screen reader or a small screen: every field has
its label, errors are tied to their field, the tab order is the page's order, and the colours of the
stylesheet keep WCAG AA contrast (4.5:1 for text)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from .conftest import BOSTON, PERIOD


def pages(site) -> dict[str, str]:
    found = {"home": site.client.get("/").text, "results": site.search().text,
             "booking": site.post("/book/form", {"zip_code": BOSTON, **PERIOD, "vehicle_class": "SUV"}).text,
             "booking refused": site.book("SUV", email="nope").text,
             "look-up": site.client.get("/manage").text, "terms": site.client.get("/terms").text}
    site.book("SUV")
    found["confirmation"] = site.client.get("/confirmation").text
    found["manage"] = site.client.get("/manage").text
    return found


def test_every_field_has_a_label_and_errors_are_tied_to_their_field(site):
    for name, page in pages(site).items():
        assert '<html lang="en">' in page and "<h1>" in page, name
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page):
            if 'type="hidden"' in tag:
                continue
            field = re.search(r'\bid="([^"]+)"', tag)
            assert field, f"{name}: a field without an id: {tag}"
            assert f'<label for="{field.group(1)}"' in page, f"{name}: no label for {field.group(1)}"
            for described in re.findall(r'aria-describedby="([^"]+)"', tag):
                assert set(described.split()) <= ids, f"{name}: {tag}"
        assert "tabindex=\"1" not in page and not re.search(r'tabindex="[1-9]', page), name  # the page's order
        assert page.count("<h1>") == 1, name


def test_the_refused_field_is_marked_invalid_and_described_by_its_error(site):
    page = site.book("SUV", email="nope").text
    tag = re.search(r'<input id="email"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in tag and "email-error" in tag
    assert '<p class="error" id="email-error" role="alert">' in page


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_calculation():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the known just-too-light grey


@pytest.mark.parametrize("text, ground", [
    ("ink", "paper"), ("ink", "ground"), ("muted", "paper"), ("muted", "ground"), ("primary", "paper"),
    ("primary", "ground"), ("bad", "paper"), ("bad", "bad-ground"), ("good", "paper"), ("ink", "good-ground"),
    ("paper", "primary"), ("paper", "primary-dark"), ("paper", "bad"),
])
def test_the_stylesheets_colours_keep_aa_contrast(text, ground):
    css = resources.files("rentaldesk.resources").joinpath("web/static/site.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    assert contrast(colours[text], colours[ground]) >= 4.5, (text, ground)
