"""What learners use: capsule manifests without answer keys, server-side grading, progress and
events, offline bundle and service worker, and the accent-tolerant text matching of search."""
