"""The registry: cooperatives, their products, farming areas and certificates."""
