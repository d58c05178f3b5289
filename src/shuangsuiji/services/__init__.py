"""One module per command: each takes a workspace and returns one typed result."""
