"""Partners: who calls the API with a key, under which usage plan."""
