"""SMS / USSD / voice providers. Each module implements `base.Gateway`; settings name the one in use."""
