"""Security headers on every page, and `check --deploy` clean with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "PALABRE_DEBUG": "0",
        "PALABRE_DEMO": "0",
        "PALABRE_HTTPS": "1",
        "PALABRE_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9Zr4Tv8Wc3Yb6Nd1Kf5Hj0Gs",
        "PALABRE_ALLOWED_HOSTS": "palabre.example.bj",
        "PALABRE_AT_TOKEN": "an-africas-talking-callback-token-" + "Zt5Qm2Xw8Lp4",
        "PALABRE_SMS_GATEWAY": "palabre.channels.gateways.africastalking.AfricasTalkingGateway",
        "PALABRE_AUDIT_KEY": "an-audit-key-kept-outside-the-database-" + "Hq8Vn3Rt6Wy1Bc4",
        "PALABRE_DATA_DIR": str(tmp_path),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
