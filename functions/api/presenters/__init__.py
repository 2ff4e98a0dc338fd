"""Domain records to response models, one module per area."""
