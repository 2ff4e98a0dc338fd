"""Search across the text of every published article: the publish-time analysis and the index built from it."""
