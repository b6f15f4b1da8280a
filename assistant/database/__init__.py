"""The shared database for feedback and test runs: SQLite in the data folder, or PostgreSQL (or any
database SQLAlchemy speaks) when WIBB_DATABASE_URL is set. The schema is Alembic's (`migrations/`):
every process brings its database to the latest revision before its first read or write."""
