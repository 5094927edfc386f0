"""F1.2 "Skicka verifieringsmeddelanden": verification mail to everyone the users list shows.

Acts on the users list's current search and filters (services.user_list_params), within the
admin's scope. Only users with a saved, unverified address get a mail; the rest are skipped
with a reason, first matching reason wins:

- no_email: no address saved;
- already_verified: the login connection is already active;
- bounced: a mail to the current address was permanently rejected;
- recently_sent: a verification mail went out within `verification_resend_hours`;
- admin_out_of_reach: an admin the actor may not change (finding A.1, the rule of
  services.users.manage.get_user_for_write), checked last, only for people who would get a mail.

The preview counts; the job (services.jobs) sends in chunks of CHUNK users in id order, each
chunk in one transaction with the job's cursor, through the outbox. The same request key
finds the same job, and "recently_sent" keeps a second job from mailing the same people
again: a double click or a retry sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, select, update
from sqlmodel import Session, col

from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.config import get_settings
from admin_portal.mail.messages import VERIFY_EMAIL_KIND
from admin_portal.models import (
    BackgroundJob,
    JobKind,
    OutboxMessage,
    OutboxStatus,
    RoleAssignment,
    Token,
    TokenPurpose,
    User,
    utcnow,
)
from admin_portal.search.users import select_matching_users
from admin_portal.services import jobs
from admin_portal.services.audit.events import record_admin_action
from admin_portal.services.errors import PermissionDenied
from admin_portal.services.users.list_params import DEFAULTS, clean_param, query_from_fields
from admin_portal.services.users.manage import users_out_of_reach
from admin_portal.services.verification.email import queue_verification_mail

SEND = "send"
OUT_OF_REACH = "admin_out_of_reach"
SKIP_REASONS = ("no_email", "already_verified", "bounced", "recently_sent", OUT_OF_REACH)
CHUNK = 500
# The list's view minus what does not change who matches (sorting, paging).
_SELECTION_FIELDS = ("text", "company_id", "unit_id", "user_type", "email_state", "status")


@dataclass(frozen=True)
class BulkPreview:
    """How many get a mail, and how many are skipped by reason, before anything is sent."""

    will_send: int
    skipped: dict[str, int]

    @property
    def matched(self) -> int:
        return self.will_send + sum(self.skipped.values())


def selection_of(fields: dict[str, Any]) -> dict[str, str]:
    """The cleaned selection a job stores: exactly what decides who matches."""
    raw = fields if isinstance(fields, dict) else {}
    return {name: clean_param(name, raw.get(name, DEFAULTS[name])) for name in _SELECTION_FIELDS}


def _reason(now_minus_window: Any) -> Any:
    """SQL: the user's skip reason, or SEND."""
    users = User.__table__  # type: ignore[attr-defined]
    recent = exists().where(
        col(OutboxMessage.user_id) == users.c.id,
        col(OutboxMessage.kind) == VERIFY_EMAIL_KIND,
        col(OutboxMessage.created_at) >= now_minus_window,
        col(OutboxMessage.status).in_(
            [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT, OutboxStatus.LOCAL]
        ),
    )
    return case(
        (users.c.email_key.is_(None), "no_email"),
        (users.c.email_verified_at.is_not(None), "already_verified"),
        (users.c.email_bounced_at.is_not(None), "bounced"),
        (recent, "recently_sent"),
        else_=SEND,
    )


def _window_start() -> Any:
    return utcnow() - timedelta(hours=get_settings().verification_resend_hours)


def _matching_ids(session: Session, actor: Actor, selection: dict[str, str]) -> Any:
    matches = select_matching_users(session, actor=actor, query=query_from_fields(selection))
    return None if matches is None else matches.subquery("matches")


def preview_bulk_verification(
    session: Session, *, actor: Actor, fields: dict[str, Any]
) -> BulkPreview:
    """Count who would get a mail for the list's current search and filters.

    Raises:
        PermissionDenied: the actor administers nothing.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    matches = _matching_ids(session, actor, selection_of(fields))
    if matches is None:
        return BulkPreview(will_send=0, skipped=dict.fromkeys(SKIP_REASONS, 0))
    users = User.__table__  # type: ignore[attr-defined]
    reason = _reason(_window_start()).label("reason")
    counted = session.execute(
        select(reason, func.count())
        .select_from(matches.join(users, users.c.id == matches.c.id))
        .group_by(reason)
    ).all()
    by_reason = {str(r): int(n) for r, n in counted}
    # Only grant holders can be out of reach: admins are few, so their ids are read.
    admins = session.execute(
        select(users.c.id)
        .select_from(matches.join(users, users.c.id == matches.c.id))
        .where(
            _reason(_window_start()) == SEND,
            users.c.id.in_(select(col(RoleAssignment.user_id))),
        )
    ).scalars()
    out = len(users_out_of_reach(session, actor=actor, user_ids=[int(i) for i in admins]))
    by_reason[SEND] = by_reason.get(SEND, 0) - out
    by_reason[OUT_OF_REACH] = out
    return BulkPreview(
        will_send=by_reason.get(SEND, 0),
        skipped={r: by_reason.get(r, 0) for r in SKIP_REASONS},
    )


def start_bulk_verification(
    session: Session, *, actor: Actor, fields: dict[str, Any], request_key: object
) -> jobs.JobProgress:
    """Queue the job (or find the one this request key already started).

    Raises:
        PermissionDenied: not an admin, or the key is someone else's.
        ServiceError: a malformed request key.
    """
    if not actor.is_admin:
        raise PermissionDenied()
    key = jobs.valid_request_key(request_key)
    started = jobs.find_started_job(
        session, actor=actor, kind=JobKind.BULK_VERIFICATION, request_key=key
    )
    if started is not None:
        return jobs.progress_of(started)
    selection = selection_of(fields)
    preview = preview_bulk_verification(session, actor=actor, fields=selection)
    job = jobs.create_job(
        session,
        actor=actor,
        kind=JobKind.BULK_VERIFICATION,
        request_key=key,
        parameters={"selection": selection},
        total=preview.matched,
    )
    record_admin_action(session, actor=actor, action="bulk_verification_started", user_id=None)
    return jobs.progress_of(job)


def run_step(session: Session, job: BackgroundJob) -> bool:
    """One chunk of a bulk verification job (called by services.jobs in the worker)."""
    actor = load_actor(session, job.created_by_id)
    if actor is None or not actor.is_admin or actor.organisation_id != job.organisation_id:
        # The admin was removed or lost the role since: their job stops sending.
        job.error = "bulk_verification.actor_gone"
        return True
    selection = selection_of(jobs.read_json(job.parameters).get("selection", {}))
    matches = _matching_ids(session, actor, selection)
    if matches is None:
        return True
    after = int(job.cursor or 0)
    users = User.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select(users.c.id, _reason(_window_start()))
        .select_from(matches.join(users, users.c.id == matches.c.id))
        .where(matches.c.id > after)
        .order_by(matches.c.id)
        .limit(CHUNK)
    ).all()
    if not rows:
        return True
    out = users_out_of_reach(
        session, actor=actor, user_ids=[int(u) for u, reason in rows if reason == SEND]
    )
    reasons = [(int(u), OUT_OF_REACH if int(u) in out else str(r)) for u, r in rows]
    to_send = [user_id for user_id, reason in reasons if reason == SEND]
    skipped: dict[str, int] = {}
    for _, reason in reasons:
        if reason != SEND:
            skipped[reason] = skipped.get(reason, 0) + 1
    _send(session, to_send)
    job.processed += len(rows)
    job.succeeded += len(to_send)
    job.skipped += len(rows) - len(to_send)
    jobs.add_to_summary(job, {SEND: len(to_send), **skipped})
    job.cursor = str(rows[-1][0])
    return len(rows) < CHUNK


def _send(session: Session, user_ids: list[int]) -> None:
    if not user_ids:
        return
    # One UPDATE voids the chunk's earlier links, instead of one per user.
    session.execute(
        update(Token)
        .where(
            and_(
                col(Token.user_id).in_(user_ids),
                col(Token.purpose) == TokenPurpose.VERIFY_EMAIL,
                col(Token.used_at).is_(None),
                col(Token.voided_at).is_(None),
            )
        )
        .values(voided_at=utcnow())
    )
    people = session.scalars(select(User).where(col(User.id).in_(user_ids))).all()
    for user in sorted(people, key=lambda u: u.id or 0):
        queue_verification_mail(session, user=user, void_earlier=False)
