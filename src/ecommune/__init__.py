"""ecommune: the minimum bundle of online public services for every French commune."""

__version__ = "0.1.0"
