from tests.cms.conftest import full_commune  # noqa: F401  (the fixture)
