"""Delivery: the only package that does HTTP (httpx). Auth, retries, pacing, outcomes."""
