"""The newsroom: a read model of stories, articles, entities and alerts, served as JSON, Atom and a live web page."""
