"""Pronunciation lexicons: one per owner and one site-wide (staff), applied before the
normalizer in the spoken-text preview and in every job; and each user's speech settings."""
