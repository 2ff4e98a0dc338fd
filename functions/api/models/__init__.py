"""Response models: what clients receive, described for the OpenAPI document; one module per area."""
