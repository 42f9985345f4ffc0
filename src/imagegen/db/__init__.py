"""Database plumbing shared by the job store and the catalog: one SQLAlchemy metadata, Alembic migrations."""
