"""The demo: three cooperatives, their records, batches and steps, and one login of each role."""
