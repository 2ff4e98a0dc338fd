"""Domain of the health-content API, organised by document kind (``articles``, ``causes``).

Nothing here knows about HTTP. Each kind declares the storage it needs as a port (a
``Protocol`` in its ``store`` module); ``health_content.storage`` implements the ports on
DynamoDB and S3 and is the only package that imports boto3.
"""

__version__ = "0.1.0"
