"""Service infrastructure: settings, metrics, the worker pool, errors."""
