"""Vocabulary and generators behind `desk demo` (names, ticket texts, ticket histories)."""
