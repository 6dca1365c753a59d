"""Data files of normalization (word lists and tables); see summarizer/wordlists.py."""
