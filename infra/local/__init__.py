"""The local stack: moto in place of AWS, an HTTP adapter in place of API Gateway."""
