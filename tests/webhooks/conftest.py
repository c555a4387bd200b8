from tests.api.conftest import api, api_as, throttle_rates  # noqa: F401  (shared API fixtures)
