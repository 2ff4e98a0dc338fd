"""The API Lambda: Powertools REST resolver, routers per area, one place that maps errors."""
