"""Domain of the health-content API: the content format, the catalog and publishing.

Nothing in this package knows about HTTP; AWS access lives behind the interfaces in
``health_content.storage``.
"""

__version__ = "0.1.0"
