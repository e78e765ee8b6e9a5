"""A comment's Markdown as HTML: images only from this site, everything else as text."""

from __future__ import annotations

import pytest

from decisions.render.html import comment_to_html, same_origin_image

# Each would make every reader's browser fetch something chosen by the comment's author.
ELSEWHERE = [
    "http://tracker.example/pixel.gif",
    "https://tracker.example/pixel.gif",
    "HTTPS://TRACKER.EXAMPLE/pixel.gif",
    "hTtP://10.0.0.1/admin/delete",
    "//tracker.example/pixel.gif",
    "&#104;ttps://tracker.example/pixel.gif",
    "&#x2F;&#x2F;tracker.example/pixel.gif",
    "&sol;&sol;tracker.example/pixel.gif",
    "<//tracker.example/pixel.gif>",
    "data:image/png;base64,iVBORw0KGgo=",
    "DATA:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "ftp://files.example/x.png",
    "pixel.gif",
    "../pixel.gif",
]
# Not images at all by the time the Markdown is parsed; they must stay that way.
NEVER_IMAGES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("src", ELSEWHERE + NEVER_IMAGES)
def test_it_shows_no_image_from_elsewhere(src):
    html = comment_to_html(f"Look: ![the graph]({src}) here")

    assert "<img" not in html
    assert "the graph" in html


@pytest.mark.parametrize("src", ELSEWHERE)
def test_it_shows_a_refused_image_as_its_description_and_address(src):
    html = comment_to_html(f"![the graph]({src})")

    assert html.startswith("<p>the graph (image not shown: ")
    assert "<a " not in html  # plain text, not a link either


def test_it_refuses_an_image_inside_a_link():
    html = comment_to_html("[![badge](https://tracker.example/b.svg)](/decisions/)")

    assert "<img" not in html
    assert '<a href="/decisions/"' in html


@pytest.mark.parametrize(
    "src", ["/static/css/diagram.png", "/decisions/7/adr.pdf?paper=a4", "/%2F/still-a-path"]
)
def test_it_shows_an_image_from_this_site(src):
    html = comment_to_html(f"![the graph]({src})")

    assert f'<img src="{src}" alt="the graph">' in html


def test_a_backslash_stays_a_path_character():
    # Browsers would read "/\host" as "//host"; the renderer percent-encodes the backslash.
    html = comment_to_html("![x](/\\tracker.example/pixel.gif)")

    assert '<img src="/%5Ctracker.example/pixel.gif"' in html


@pytest.mark.parametrize(
    "src",
    ["//host/x", "/\\host/x", "/\t/host/x", "/\n/host/x", "/ /x", "http://host/x", "", "x.png"],
)
def test_the_rule_itself_refuses_what_a_browser_could_send_elsewhere(src):
    assert not same_origin_image(src)


def test_raw_html_images_stay_text():
    html = comment_to_html('<img src="https://tracker.example/p.gif"> <IMG SRC=/x onerror=y>')

    assert "<img" not in html and "&lt;img" in html


def test_a_comment_keeps_a_leading_rule_and_what_follows():
    html = comment_to_html("---\nkept\n---\nalso kept")

    assert "kept" in html and "also kept" in html
