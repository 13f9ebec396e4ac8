"""Page templates of the farm's families, one module per family (plus common parts)."""
