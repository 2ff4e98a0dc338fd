"""Articles: the article format, the port to where published articles are stored, and reading them."""
