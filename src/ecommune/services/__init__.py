"""One package per online procedure; each registers itself in ``ecommune.core.registry``."""
