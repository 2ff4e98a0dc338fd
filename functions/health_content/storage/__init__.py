"""Adapters: the storage ports of the domain, implemented on AWS.

``dynamodb`` implements ``articles.store.ArticleStore`` and ``causes.store.CauseStore`` on the
serving-index table; ``s3`` implements ``publishing.source.ContentSource`` on the content
bucket. Only the composition roots (the Lambda handlers, the CLI) import this package.
"""
