"""Data files bundled with the normalize service (name variants)."""
