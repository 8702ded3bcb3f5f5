"""HTTP layer: one router per resource."""
