"""Tools for testing and benchmarking procurement at scale: a synthetic world generator."""
