"""The tagger service."""
