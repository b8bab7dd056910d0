"""Ways data comes in: batches validated and written in one transaction, fixture files."""
