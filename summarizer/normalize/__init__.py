"""Deterministic steps that run after every engine, so a summary means the same whatever made it."""
