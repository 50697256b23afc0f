"""A credential in a feed URL never reaches a log, an error or a status page."""

import pytest

from services.ingest.fetcher import shown_url


@pytest.mark.parametrize("url, shown", [
    ("https://newsapi.org/v2/top-headlines?country=us&apiKey=abc123", "https://newsapi.org/v2/top-headlines?country=us&apiKey=***"),
    ("https://h.example/f?access_token=z&q=ports", "https://h.example/f?access_token=***&q=ports"),
    ("https://h.example/f?api-key=1&keyword=harbour", "https://h.example/f?api-key=***&keyword=harbour"),
    ("https://h.example/f?sig=aa&expires=9", "https://h.example/f?sig=***&expires=9"),
    ("https://reader:pa55@h.example/rss", "https://reader:***@h.example/rss"),
    ("https://h.example/rss.xml?page=2", "https://h.example/rss.xml?page=2"),
    ("https://api.gdeltproject.org/api/v2/doc/doc?query=harbour&mode=artlist&format=json",
     "https://api.gdeltproject.org/api/v2/doc/doc?query=harbour&mode=artlist&format=json"),
])
def test_credentials_in_a_url_are_shown_as_stars(url, shown):
    assert shown_url(url) == shown
