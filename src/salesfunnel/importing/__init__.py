"""`prospect import`: real-world CSV files in, prospects out, fast and all-or-nothing.

The pure parts (``sniff``, ``source``, ``headers``, ``values``, ``rows``,
``rejects``) use the standard library only; ``writer``, ``dedupe`` and
``service`` talk to the database inside the command's one unit of work.
"""
