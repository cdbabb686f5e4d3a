"""The movement scheduler: plain data in, plain data out, no Django (see docs/architecture.md)."""
