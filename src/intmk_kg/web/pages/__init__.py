"""What a page shows: entity view models, labels in bulk, schema.org markup, record sections."""
