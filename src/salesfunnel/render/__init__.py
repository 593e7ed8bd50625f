"""All output goes through here: Rich on a terminal, plain text in pipes, JSON on request."""
