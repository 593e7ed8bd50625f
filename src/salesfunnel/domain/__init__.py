"""Pure rules of the funnel: standard library only."""
