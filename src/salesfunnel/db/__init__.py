"""Storage: tables, engine, unit of work, migrations."""
