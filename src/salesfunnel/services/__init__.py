"""Use cases: plain values in, Public models out; one unit of work each, never a commit."""
