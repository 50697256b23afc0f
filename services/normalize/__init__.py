"""The normalize service."""
