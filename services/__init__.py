"""wirewatch services: ingest, normalize, tagger, alerter and the runtime they share."""
