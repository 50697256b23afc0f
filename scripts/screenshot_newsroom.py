"""Screenshot a newsroom page in Debian's headless Chromium: `python scripts/screenshot_newsroom.py URL OUT.png`.

With `make demo` running, the seed story's URL is the one the demo prints; the README's picture is made so.
"""

import sys

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main(url: str, out: str, width: int = 1200, dark: bool = False) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
        page.goto(url)
        page.wait_for_selector("[data-live-connected]", state="attached")
        page.evaluate("() => document.querySelectorAll('details.why').forEach(d => { d.open = true; })")  # show why each joined
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1200, "--dark" in sys.argv)
