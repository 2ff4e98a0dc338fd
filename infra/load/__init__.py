"""`make load`: the cost model's traffic sent to `make serve`, directly and through a caching proxy."""
