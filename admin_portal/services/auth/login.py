"""Logging in and out, sessions, "Glömt lösenord?" and setting a password from a link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from admin_portal.auth.password_policy import new_password_problem
from admin_portal.auth.passwords import hash_password, needs_rehash, verify_password
from admin_portal.auth.permissions import Actor, load_actor
from admin_portal.auth.tokens import (
    TokenState,
    consume_token,
    hash_secret,
    inspect_token,
    issue_token,
    new_secret,
    void_tokens,
)
from admin_portal.config import get_settings
from admin_portal.mail.messages import reset_password_message
from admin_portal.mail.outbox import enqueue_message
from admin_portal.models import (
    LoginSession,
    LoginThrottle,
    Organisation,
    TokenPurpose,
    User,
    UserStatus,
    require_id,
    utcnow,
)
from admin_portal.services.api_clients.provisioning import sign_in_disabled
from admin_portal.services.audit.events import record_event
from admin_portal.services.auth.rate_limits import reset_mail_in_cooldown
from admin_portal.services.auth.two_factor import lacks_required_second_factor
from admin_portal.services.errors import ServiceError, ValidationFailed
from admin_portal.services.users.welcome_link import queue_welcome_mail
from admin_portal.validation.identifiers import email_key, username_key

LOGIN_TICKET_LIFETIME = timedelta(seconds=60)
PASSWORD_LINK_PURPOSES = (TokenPurpose.SET_PASSWORD.value, TokenPurpose.RESET_PASSWORD.value)
_MAX_INPUT = 256  # nothing longer than this is a username, e-mail or password worth hashing
_FAILURE_WINDOW = timedelta(minutes=15)
_THROTTLE_KEY_MAX = 100  # bounds the throttle table's keys; longer usernames share a row


class InvalidCredentials(ServiceError):
    """One error for unknown user, wrong password and locked account: nothing is revealed."""

    def __init__(self) -> None:
        super().__init__("login.failed")


def authenticate(
    session: Session, *, username: str, password: str, now: datetime | None = None
) -> User:
    """Check a username and password. Raises InvalidCredentials for every kind of failure.

    A password hash is verified on every path (a dummy one for unknown users), so the
    answer takes as long for an unknown user as for a known one.
    """
    now = now or utcnow()
    key = username_key((username or "")[:100])
    password = (password or "")[:_MAX_INPUT]
    throttle = session.get(LoginThrottle, key[:_THROTTLE_KEY_MAX]) if key else None
    locked = bool(throttle and throttle.locked_until and throttle.locked_until > now)
    user = (
        session.exec(
            select(User).where(User.username_key == key, User.status == UserStatus.ACTIVE)
        ).first()
        if key
        else None
    )
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is not None and password_ok and sign_in_disabled(session, user_id=require_id(user)):
        user = None  # SCIM active=false: refused like a wrong password (nothing revealed)
    if user is None or not password_ok or locked:
        _record_failure(session, key, now)
        record_event(
            session,
            action="login",
            organisation_id=user.organisation_id if user else None,
            actor_user_id=None,
            target_type="user" if user else None,
            target_id=user.id if user else None,
            outcome="locked" if locked else "failed",
        )
        session.commit()  # the failure counts even though the caller sees an error
        raise InvalidCredentials()
    if throttle is not None:
        session.delete(throttle)
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def login_locked(session: Session, *, username: str, now: datetime | None = None) -> bool:
    """Whether failed password attempts have locked this username for now."""
    throttle = session.get(LoginThrottle, username_key(username)[:_THROTTLE_KEY_MAX])
    return bool(throttle and throttle.locked_until and throttle.locked_until > (now or utcnow()))


def record_password_failure(
    session: Session, *, username: str, now: datetime | None = None
) -> None:
    """A wrong password typed anywhere (not only on Logga in) counts towards the lock."""
    _record_failure(session, username_key(username), now or utcnow())


def clear_password_failures(session: Session, *, username: str) -> None:
    """The right password was proven: earlier failures no longer count."""
    throttle = session.get(LoginThrottle, username_key(username)[:_THROTTLE_KEY_MAX])
    if throttle is not None:
        session.delete(throttle)


def _record_failure(session: Session, key: str, now: datetime) -> None:
    if not key:
        return
    key = key[:_THROTTLE_KEY_MAX]
    settings = get_settings()
    throttle = session.get(LoginThrottle, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        # Attempts during a lock do not extend it: nobody can keep another person locked out.
        return
    if throttle is None or now - throttle.first_failure_at > _FAILURE_WINDOW:
        throttle = throttle or LoginThrottle(username_key=key)
        throttle.failures = 0
        throttle.first_failure_at = now
    throttle.failures += 1
    if throttle.failures >= settings.login_max_failures:
        throttle.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
    session.add(throttle)


def issue_login_ticket(session: Session, *, user: User) -> str:
    """A one-minute, single-use ticket the browser swaps for the HttpOnly session cookie."""
    assert user.id is not None
    return issue_token(
        session, user_id=user.id, purpose=TokenPurpose.LOGIN_TICKET, lifetime=LOGIN_TICKET_LIFETIME
    )


def redeem_login_ticket(session: Session, *, ticket: str) -> str | None:
    """Swap a ticket for a new server-side session. Returns the raw session token, or None."""
    state, token = consume_token(session, ticket, TokenPurpose.LOGIN_TICKET)
    if state is not TokenState.VALID or token is None:
        return None
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    raw = new_secret()
    now = utcnow()
    session.add(
        LoginSession(
            user_id=token.user_id,
            token_hash=hash_secret(raw),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=get_settings().session_hours),
        )
    )
    record_event(
        session,
        action="login",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
    )
    return raw


@dataclass(frozen=True)
class SignedIn:
    """What the web layer keeps about the signed-in person (no secrets)."""

    actor: Actor
    username: str
    email: str | None


# Activity slides the idle timeout, but writing last_seen_at on every page load and
# click would cost a write per request: once a minute is precise enough.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _idle_limit() -> timedelta:
    return timedelta(minutes=get_settings().idle_timeout_minutes)


def _find_login(session: Session, raw_token: str | None) -> LoginSession | None:
    if not raw_token or len(raw_token) > 200:
        return None
    return session.exec(
        select(LoginSession).where(LoginSession.token_hash == hash_secret(raw_token))
    ).first()


def _find_login_with_owner(
    session: Session, raw_token: str | None
) -> tuple[LoginSession, User, Organisation] | None:
    """`_find_login`, reading the owner and their organisation in the same query.

    Every websocket event resolves its session, and the actor and two-factor checks that
    follow ask for exactly these two rows (`session.get`): while the caller holds them (the
    identity map keeps only weak references), the identity map answers those lookups, so an
    event costs one round trip to the database instead of three.
    """
    if not raw_token or len(raw_token) > 200:
        return None
    row = session.exec(
        select(LoginSession, User, Organisation)
        .join(User, col(User.id) == LoginSession.user_id)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(LoginSession.token_hash == hash_secret(raw_token))
    ).first()
    return (row[0], row[1], row[2]) if row is not None else None


def resolve_session(
    session: Session, *, raw_token: str | None, now: datetime | None = None
) -> SignedIn | None:
    """The signed-in person for a session cookie value, or None if missing/expired/revoked/idle.

    A session unused for longer than the idle timeout is refused; any other call counts as
    use and slides the timeout (last_seen_at is written at most once a minute).
    """
    now = now or utcnow()
    found = _find_login_with_owner(session, raw_token)
    if found is None:
        return None
    login, _owner, _organisation = found  # held: the lookups below are answered from them
    if login.revoked_at is not None or login.expires_at <= now:
        return None
    if now - login.last_seen_at > _idle_limit():
        return None
    actor = load_actor(session, login.user_id)
    user = session.get(User, login.user_id)
    if actor is None or user is None:
        return None
    if lacks_required_second_factor(session, actor=actor):
        return None  # the organisation requires two-factor: sign in again and enrol first
    if now - login.last_seen_at >= LAST_SEEN_RESOLUTION:
        login.last_seen_at = now
        session.add(login)
    return SignedIn(actor=actor, username=user.username, email=user.email)


def session_status(session: Session, *, raw_token: str | None, now: datetime | None = None) -> str:
    """What a session cookie stands for, without counting as use (the idle time does not slide).

    Returns "none" (no cookie), "live", "idle" (unused longer than the idle timeout) or
    "ended" (revoked, expired or unknown). Pages use it to say why someone was signed out
    and to notice an ended session while the person is away from the keyboard.
    """
    if not raw_token:
        return "none"
    now = now or utcnow()
    login = _find_login(session, raw_token)
    if login is None or login.revoked_at is not None or login.expires_at <= now:
        return "ended"
    return "idle" if now - login.last_seen_at > _idle_limit() else "live"


def end_session(session: Session, *, raw_token: str | None) -> None:
    """Logout: the session is revoked server-side, so a copied cookie stops working too."""
    login = _find_login(session, raw_token)
    if login is None or login.revoked_at is not None:
        return
    login.revoked_at = utcnow()
    user = session.get(User, login.user_id)
    record_event(
        session,
        action="logout",
        organisation_id=user.organisation_id if user else None,
        actor_user_id=login.user_id,
        target_type="user",
        target_id=login.user_id,
    )


def revoke_sessions(session: Session, *, user_id: int, keep_raw_token: str | None = None) -> int:
    """End every session of the user; with keep_raw_token, all but that one (the caller's)."""
    query = update(LoginSession).where(
        col(LoginSession.user_id) == user_id, col(LoginSession.revoked_at).is_(None)
    )
    if keep_raw_token:
        query = query.where(col(LoginSession.token_hash) != hash_secret(keep_raw_token))
    result = session.execute(query.values(revoked_at=utcnow()))
    return result.rowcount or 0  # type: ignore[attr-defined]


def request_password_reset(session: Session, *, identifier: str) -> None:
    """'Glömt lösenord?': queue a reset mail only for known users with a verified e-mail.

    A person sent a link within the reset-mail cooldown gets no new one. The caller always
    shows the same answer, whatever happened here.
    """
    identifier = (identifier or "").strip()[:_MAX_INPUT]
    if not identifier:
        return
    key = identifier.casefold()
    # An e-mail is unique per company, not globally: one person may hold accounts in two.
    users = session.exec(
        select(User)
        .where(
            User.status == UserStatus.ACTIVE,
            or_(
                col(User.username_key) == username_key(identifier),
                col(User.email_key) == email_key(key),
            ),
        )
        .limit(5)
    ).all()
    lifetime = timedelta(minutes=get_settings().reset_password_link_minutes)
    for user in users:
        if not user.email or user.email_verified_at is None:
            continue
        assert user.id is not None
        if reset_mail_in_cooldown(session, user_id=user.id):
            continue  # one mail per cooldown per person, whatever identifier was typed
        raw = issue_token(
            session, user_id=user.id, purpose=TokenPurpose.RESET_PASSWORD, lifetime=lifetime
        )
        message = reset_password_message(
            lang=user.language, name=user.first_name, username=user.username, raw_token=raw
        )
        enqueue_message(
            session,
            message,
            to_address=user.email,
            organisation_id=user.organisation_id,
            user_id=user.id,
            link_expires_at=utcnow() + lifetime,
        )
        record_event(
            session,
            action="password_reset_requested",
            organisation_id=user.organisation_id,
            actor_user_id=None,
            target_type="user",
            target_id=user.id,
        )


@dataclass(frozen=True)
class PasswordLink:
    state: TokenState
    username: str | None = None


def describe_password_link(session: Session, *, raw_token: str) -> PasswordLink:
    """What the set-password page shows on open. Looking does not use the link up."""
    state, token = inspect_token(session, raw_token, PASSWORD_LINK_PURPOSES)
    if state is not TokenState.VALID or token is None:
        return PasswordLink(state=state)
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return PasswordLink(state=TokenState.UNKNOWN)
    return PasswordLink(state=state, username=user.username)


def set_password_with_link(session: Session, *, raw_token: str, password: str, repeat: str) -> User:
    """Set the password from a single-use link. Every other session and link of the user dies."""
    state, token = inspect_token(session, raw_token, PASSWORD_LINK_PURPOSES)
    if state is not TokenState.VALID or token is None:
        raise ServiceError(
            f"set_password.link_{state.value if state is not TokenState.VALID else 'unknown'}"
        )
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise ServiceError("set_password.link_unknown")
    problem = new_password_problem(
        password or "",
        repeat,
        personal_words=[user.first_name, user.last_name, user.username],
        mismatch_key="set_password.mismatch",
    )
    if problem:
        raise ValidationFailed(dict([problem]))
    state, token = consume_token(session, raw_token, PASSWORD_LINK_PURPOSES)
    if state is not TokenState.VALID or token is None:
        raise ServiceError("set_password.link_used")
    assert user.id is not None
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.updated_at = utcnow()
    if token.email and user.email and token.email.casefold() == user.email.casefold():
        # The link went to this very address and came back: the address is proven.
        user.email_verified_at = user.email_verified_at or utcnow()
    void_tokens(session, user_id=user.id, purposes=list(PASSWORD_LINK_PURPOSES))
    revoke_sessions(session, user_id=user.id)
    record_event(
        session,
        action="password_set",
        organisation_id=user.organisation_id,
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
    )
    return user


def request_new_welcome_link(session: Session, *, raw_token: str) -> None:
    """ "Skicka en ny länk" on an expired welcome link: a fresh link to the address on file.

    Only an expired (not used, not voided) welcome link of an active user with an e-mail
    qualifies; the caller always shows the same answer.
    """
    state, token = inspect_token(session, raw_token, TokenPurpose.SET_PASSWORD)
    if state is not TokenState.EXPIRED or token is None:
        return
    user = session.get(User, token.user_id)
    if user is None or user.status != UserStatus.ACTIVE or not user.email or user.password_hash:
        return  # an account with a password uses "Glömt lösenord?" instead
    queue_welcome_mail(session, user=user)
    record_event(
        session,
        action="welcome_link_renewed",
        organisation_id=user.organisation_id,
        actor_user_id=None,
        target_type="user",
        target_id=user.id,
    )
