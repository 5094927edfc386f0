"""A PostgreSQL server from Debian's packages, on loopback, with its data under var/.

Created once (initdb, a generated password in `password`, scram authentication), then
started and stopped with pg_ctl. PostgreSQL refuses to run as root: as root, initdb and
pg_ctl run as the `postgres` OS user (the Debian package creates it) through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL

OS_USER = "postgres"
ROLE = "admin_portal"
DATABASE = "admin_portal"


class ClusterError(RuntimeError):
    """Something the operator must fix (a missing package, a port in use); said in words."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<major>/bin with initdb, pg_ctl and postgres."""

    def major(path: str) -> int:
        found = re.search(r"/postgresql/(\d+)/bin$", path)
        return int(found.group(1)) if found else 0

    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True):
        if all(os.access(Path(candidate) / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return Path(candidate)
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    raise ClusterError("PostgreSQL is not installed: apt-get install -y postgresql")


@dataclass
class LocalPostgres:
    """One server: `base/data` (the cluster), `base/sock`, `base/server.log`, `base/password`."""

    base: Path
    port: int
    bindir: Path | None = None

    def __post_init__(self) -> None:
        self.base = self.base.resolve()
        self.bindir = self.bindir or find_bindir()
        self._as_root = os.geteuid() == 0

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def password_file(self) -> Path:
        return self.base / "password"

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    def url(self, database: str = DATABASE) -> str:
        """The SQLAlchemy URL of `database` on this server, password included."""
        return URL.create(
            "postgresql+psycopg",
            username=ROLE,
            password=self.password_file.read_text().strip(),
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", OS_USER, "--", *command]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", TZ="UTC")
        return subprocess.run(  # noqa: S603 (our own arguments)
            command,
            cwd=self.base,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,  # a Ctrl-C to the terminal must not reach the server
        )

    def _own(self, path: Path) -> None:
        if self._as_root:
            user = pwd.getpwnam(OS_USER)
            os.chown(path, user.pw_uid, user.pw_gid)

    def ensure_initialised(self) -> bool:
        """initdb once (returns True then); later calls find the cluster and do nothing."""
        if (self.datadir / "PG_VERSION").exists():
            return False
        if self._as_root:
            try:
                pwd.getpwnam(OS_USER)
            except KeyError:
                raise ClusterError("no `postgres` OS user: apt-get install -y postgresql") from None
        self.base.mkdir(parents=True, exist_ok=True)
        if (
            self._as_root
            and subprocess.run(  # noqa: S603
                ["runuser", "-u", OS_USER, "--", "test", "-x", str(self.base.parent)],  # noqa: S607
                capture_output=True,
            ).returncode
        ):
            raise ClusterError(f"the postgres OS user cannot reach {self.base.parent}")
        (self.base / "sock").mkdir(exist_ok=True)
        for path in (self.base, self.base / "sock"):
            self._own(path)
        self.base.chmod(0o700)
        self.password_file.write_text(secrets.token_urlsafe(24))
        self.password_file.chmod(0o600)
        self._own(self.password_file)  # initdb reads it as the postgres user
        result = self._run(
            "initdb",
            f"--username={ROLE}",
            f"--pwfile={self.password_file}",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-instructions",
            "-D",
            str(self.datadir),
        )
        if result.returncode != 0:
            raise ClusterError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        return True

    def _write_settings(self) -> None:
        # Appended in a file of our own, included last: the port can change between runs.
        (self.datadir / "admin_portal_cluster.conf").write_text(
            "# written by admin_portal/cluster/postgres.py at every start\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            f"unix_socket_directories = '{self.base / 'sock'}'\n"
            "max_connections = 200\n"
            "timezone = 'UTC'\n"
        )
        conf = self.datadir / "postgresql.conf"
        include = "include_if_exists = 'admin_portal_cluster.conf'\n"
        if include not in conf.read_text():
            with conf.open("a") as handle:
                handle.write("\n" + include)

    def start(self) -> None:
        """Start the server (waits until it accepts connections)."""
        if self.running():
            return
        self._write_settings()
        result = self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.datadir), "-l", str(self.log_file)
        )
        if result.returncode != 0:
            tail = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise ClusterError(f"PostgreSQL did not start:\n{result.stderr}\n{tail}")

    def running(self) -> bool:
        if not (self.datadir / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.datadir)).returncode == 0

    def ensure_database(self) -> None:
        """CREATE DATABASE admin_portal unless it exists."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=ROLE,
            password=self.password_file.read_text().strip(),
            dbname="postgres",
            autocommit=True,
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone()
            if exists is None:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')

    def stop(self) -> None:
        """Fast shutdown: open transactions roll back, the data stays."""
        if (self.datadir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.datadir))
