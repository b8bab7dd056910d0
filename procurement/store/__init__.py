"""The store: SQLAlchemy tables, row conversion, connections and migrations."""
