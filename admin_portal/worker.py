"""Background worker: `python -m admin_portal.worker [--once]` runs jobs and delivers mail.

SIGTERM and SIGINT set a stop flag; the mail being sent is finished and recorded before the
process exits, so a normal shutdown never leaves a row in SENDING.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence
from types import FrameType

from sqlalchemy.engine import Engine

from admin_portal import wiring
from admin_portal.config import get_settings
from admin_portal.db import get_engine, session_scope
from admin_portal.mail.dispatcher import dispatch_due, run_forever
from admin_portal.mail.outbox import blank_expired_bodies
from admin_portal.mail.pacing import mail_rate_limiter
from admin_portal.mail.provider_events import forget_old_webhook_ids
from admin_portal.mail.senders import LocalMailboxSender, Sender, sender_from_settings
from admin_portal.models import utcnow
from admin_portal.search.rows_maintenance import reorder_if_drifted
from admin_portal.services import jobs
from admin_portal.services.user_bank.manage import purge_expired
from admin_portal.sms import dispatch as sms_dispatch

logger = logging.getLogger("admin_portal.worker")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the outbox dispatcher until stopped, or once with ``--once``.

    Args:
        argv: Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code: 0 on a clean stop, 2 on a configuration error.
    """
    args = _parse_args(argv)
    wiring.install()
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = get_settings()
    sender = sender_from_settings(settings)
    if isinstance(sender, LocalMailboxSender) and settings.is_production:
        # Without a key every mail would quietly stay in the outbox: refuse instead.
        logger.error("ADMIN_PORTAL_RESEND_API_KEY is required in production")
        return 2
    logger.info("mail sender: %r", sender)  # the senders' repr never shows the key

    stop = threading.Event()
    _install_signal_handlers(stop)
    engine = get_engine()
    if args.purge_once:
        logger.info("user bank purge: %d erased", purge_user_bank(engine))
        logger.info("outbox: %d expired mail bodies blanked", blank_expired_mail(engine))
        return 0
    if args.once:
        jobs.run_until_idle(engine)  # jobs queue mail: run them before dispatching
        _dispatch_until_idle(engine, sender, stop)
        sms_dispatch.run_once(engine)
        blank_expired_mail(engine)
    else:
        logger.info("worker started; polling every %.1fs", args.poll_seconds)
        threading.Thread(target=_maintain_periodically, args=(engine, stop), daemon=True).start()
        # Background jobs (bulk verification, imports) in their own loop: a long job must
        # not hold up mail, and mail waiting on the rate limit must not hold up a job.
        threading.Thread(
            target=jobs.run_forever, args=(engine, stop, args.poll_seconds), daemon=True
        ).start()
        # SMS (one-time passwords) in a loop of its own, beside mail.
        threading.Thread(
            target=sms_dispatch.run_forever, args=(engine, stop, args.poll_seconds), daemon=True
        ).start()
        run_forever(stop, args.poll_seconds, engine_or_session_factory=engine, sender=sender)
    logger.info("worker stopped")
    return 0


MAINTENANCE_INTERVAL_SECONDS = 3600.0


def purge_user_bank(engine: Engine) -> int:
    """Erase users whose user-bank retention has passed (F0.4, retention). Idempotent."""
    with session_scope(engine) as session:
        return purge_expired(session)


def blank_expired_mail(engine: Engine) -> int:
    """Blank outbox bodies whose link has expired (mail.outbox). Idempotent.

    Hourly is soon enough: an expired link no longer works, the body is only the last
    place its (dead) token is written down.
    """
    with session_scope(engine) as session:
        blanked = blank_expired_bodies(session)
        # Resend's processed webhook ids, kept only while Svix may still redeliver a call.
        forget_old_webhook_ids(session, now=utcnow())
        return blanked


def _maintain_periodically(engine: Engine, stop: threading.Event) -> None:
    """Hourly: the retention purges (user bank, expired mail bodies), then the name order."""
    while not stop.is_set():
        try:
            blanked = blank_expired_mail(engine)
            if blanked:
                logger.info("outbox: %d expired mail bodies blanked", blanked)
        except Exception:
            logger.exception("blanking expired mail failed; trying again later")
        try:
            erased = purge_user_bank(engine)
            if erased:
                logger.info("user bank purge: %d erased", erased)
        except Exception:
            logger.exception("user bank purge failed; trying again later")
        try:
            reorder_if_drifted(engine)
        except Exception:
            logger.exception("reordering the search rows failed; trying again later")
        stop.wait(MAINTENANCE_INTERVAL_SECONDS)


def _dispatch_until_idle(engine: Engine, sender: Sender, stop: threading.Event) -> None:
    # One dispatch_due call claims at most `limit` rows; keep going until nothing is due.
    # Retried rows are due later, so this always ends.
    limiter = mail_rate_limiter()
    while not stop.is_set():
        report = dispatch_due(engine, sender, rate_limiter=limiter)
        logger.info("dispatched: %s", report)
        if not report.busy:
            return


def _install_signal_handlers(stop: threading.Event) -> None:
    def handle(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s; stopping after the current mail", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m admin_portal.worker", description=__doc__)
    parser.add_argument("--once", action="store_true", help="dispatch what is due, then exit")
    parser.add_argument(
        "--purge-once",
        action="store_true",
        help="erase users past their user-bank retention, then exit",
    )
    parser.add_argument("--poll-seconds", type=float, default=1.0, help="pause when idle")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
