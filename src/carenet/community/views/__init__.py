"""Pages of the community app, one module per noun; thin over forms, queries and services."""
