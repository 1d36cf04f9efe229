"""The CoP app's views: thin, each parses, authorises (core.permissions), calls, renders."""
