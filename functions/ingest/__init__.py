"""The ingest Lambda: S3 ObjectCreated/ObjectRemoved events -> validate -> serving index."""
