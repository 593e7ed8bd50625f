"""salesfunnel: a terminal-based personal sales tracker."""

__version__ = "0.1.0"
