"""The cost model of docs/cost.md (`make cost`): prices, the traffic mix, what the API sends, the report."""
