"""CareNet: run a community mental health and psychosocial support network."""

__version__ = "0.1.0"
