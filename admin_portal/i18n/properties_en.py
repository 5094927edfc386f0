"""English texts for Properties (seed 002): primary accounts, properties and access rights."""

MESSAGES: dict[str, str] = {
    "properties.menu.button": "User account",
    "properties.menu.manage_users": "Add and manage users",
    "properties.menu.primary_label": "primary account",
    "properties.menu.request_primary": "Request a primary account",
    "properties.menu.requests": "My requests",
    "properties.menu.home": "Home (group account)",
    "properties.home.title": "Home (group account)",
    "properties.home.add": "Add new property",
    "properties.home.agreement": "Partner agreement: {number}",
    "properties.home.search": "Search properties (name or address)",
    "properties.home.search_button": "Search",
    "properties.home.next": "Next page",
    "properties.home.first": "To the first page",
    "properties.home.empty": "No properties to show.",
    "properties.home.list_label": "Properties this account reaches",
    "properties.home.not_primary": (
        "Your account is not a primary account and cannot register new properties. "
        "You see the properties you have been given access to."
    ),
    "properties.col.name": "Name",
    "properties.col.address": "Address",
    "properties.col.type": "Type",
    "properties.col.agreement": "Agreement ID",
    "properties.col.actions": "Actions",
    "properties.type.hotel": "Hotel",
    "properties.type.hostel": "Hostel",
    "properties.type.cabin": "Cabin",
    "properties.type.apartment": "Apartment",
    "properties.type.bed_and_breakfast": "Bed & breakfast",
    "properties.remove.heading": "Remove a property?",
    "properties.remove.why": (
        "Properties cannot be removed from a primary account. A primary account automatically "
        "includes every property of the same agreement ID. Only a new agreement or a change of "
        "ownership to another owner or agreement moves a property."
    ),
    "properties.remove.show_why": "Remove {name}?",
    "properties.new.title": "Add new property",
    "properties.new.intro": "The property is registered in your partner agreement {number}.",
    "properties.new.name": "Property name",
    "properties.new.address": "Address",
    "properties.new.type": "Property type",
    "properties.new.agreement": "Agreement ID",
    "properties.new.agreement_hint": (
        "Your primary account can only register properties in its own agreement."
    ),
    "properties.new.submit": "Register property",
    "properties.new.saved": "{name} is registered and belongs to agreement {number}.",
    "properties.guide.title": "How to add a property of another agreement",
    "properties.guide.step1": "Click User account and choose Add and manage users.",
    "properties.guide.step2": "Choose Add a user, then New user.",
    "properties.guide.step3": "Invite a new user with other login details (not a primary account).",
    "properties.guide.step4": "Add the property to the new user's account.",
    "properties.guide.link": "Add a user",
    "properties.error.not_primary": (
        "Only primary accounts can register properties. Your account is not a primary "
        "account: ask a primary account for access, or request a primary account."
    ),
    "properties.error.other_agreement": (
        "The property belongs to another partner agreement and cannot be added to your "
        "primary account."
    ),
    "properties.error.agreement_terminated": (
        "The agreement is terminated: no new properties can be registered."
    ),
    "properties.error.name_required": "Enter the property's name (at least 2 characters).",
    "properties.error.name_too_long": "The name may be at most 200 characters.",
    "properties.error.address_required": "Enter the property's address.",
    "properties.error.address_too_long": "The address may be at most 300 characters.",
    "properties.error.type_required": "Choose the property type.",
    "properties.error.duplicate": "The agreement already has a property with that name.",
    "properties.error.primary_fixed": (
        "A primary account always keeps its admin rights and its properties: nothing can be "
        "removed from it."
    ),
    "properties.error.rights_invalid": "The rights could not be read. Try again.",
    "properties.error.rights_exceed": "You cannot give rights you do not hold on the property.",
    "properties.error.rights_none": "Choose at least one right on at least one property.",
    "properties.error.own_rights": "You cannot change your own rights.",
    "properties.error.no_match": (
        "The username and e-mail address do not match an ordinary account that can be added."
    ),
    "properties.error.no_user_admin": "You do not hold User management on any property.",
    "properties.error.reason_required": "Choose why the property is linked to the account.",
    "properties.error.already_in_agreement": "The property is already in the account's agreement.",
    "properties.error.already_linked": "The property is already linked to the account.",
    "properties.right.bookings": "Bookings",
    "properties.right.prices": "Rates and availability",
    "properties.right.finance": "Finance",
    "properties.right.messages": "Messages",
    "properties.right.user_admin": "User management",
    "properties.users.title": "Add and manage users",
    "properties.users.add": "Add a user",
    "properties.users.property": "Property",
    "properties.users.choose_property": "Choose property",
    "properties.users.col.user": "User",
    "properties.users.col.username": "Username",
    "properties.users.col.rights": "Access rights",
    "properties.users.primary_badge": "primary account",
    "properties.users.save": "Save rights",
    "properties.users.remove": "Remove access",
    "properties.users.saved": "The rights are saved.",
    "properties.users.removed": "The access is removed.",
    "properties.users.primary_why": (
        "Cannot be removed: a primary account always keeps its rights on the agreement's "
        "properties."
    ),
    "properties.users.none": "You do not hold User management on any property.",
    "properties.users.rights_for": "Rights of {name} on {property}",
    "properties.add.title": "Add a user",
    "properties.add.kind": "Whom do you want to add?",
    "properties.add.existing": "Existing user",
    "properties.add.new": "New user",
    "properties.add.username": "Username",
    "properties.add.email": "E-mail address",
    "properties.add.see_rights": "See access rights",
    "properties.add.first_name": "First name",
    "properties.add.last_name": "Last name",
    "properties.add.next": "Next step: set access rights",
    "properties.add.required": "Fill in the field.",
    "properties.add.send": "Send invitation",
    "properties.add.save": "Save",
    "properties.add.matched": "Account: {name} ({username})",
    "properties.add.username_note": (
        "The person chooses a username when accepting the invitation. It must differ from the "
        "username of their primary account: usernames are unique across the whole system."
    ),
    "properties.add.existing_note": (
        "Enter the username and e-mail address of an ordinary account (not a primary account)."
    ),
    "properties.add.invited": "The invitation is sent to {email}.",
    "properties.add.granted": "Access is saved on {count} properties.",
    "properties.add.rights_legend": "Access rights on {property}",
    "properties.accept.title": "Create your account",
    "properties.accept.intro": "Hello {name}! You have been invited to: {properties}.",
    "properties.accept.username": "Choose a username",
    "properties.accept.username_hint": (
        "Choose a username other than the one of your primary account."
    ),
    "properties.accept.password": "Password",
    "properties.accept.repeat": "Repeat the password",
    "properties.accept.submit": "Create account",
    "properties.accept.username_is_primary": (
        "This is the username of your primary account. Usernames are unique across the whole "
        "system: choose another username for the new account."
    ),
    "properties.accept.link_invalid": "The link is not valid (already used or unknown).",
    "properties.accept.link_expired": (
        "The link has expired. Ask the person who invited you for a new invitation."
    ),
    "properties.request.title": "My requests",
    "properties.request.primary": "Request a primary account",
    "properties.request.ownership": "Request a change of ownership",
    "properties.request.terminate": "Terminate the agreement",
    "properties.request.message": "Message to support (optional)",
    "properties.request.target": "New agreement ID (the receiver's)",
    "properties.request.property": "Property",
    "properties.request.send": "Send request",
    "properties.request.sent": "Your request has been sent to support.",
    "properties.request.none": "You have no requests.",
    "properties.request.already_open": "You already have an open request of that kind.",
    "properties.request.already_primary": "Your account is already a primary account.",
    "properties.request.target_required": "Enter the new owner's agreement ID.",
    "properties.request.already_handled": "The request has already been handled.",
    "properties.request.unknown_agreement": "There is no active agreement with that ID.",
    "properties.request.property_moved": "The property has already been moved.",
    "properties.request.cannot_move": "The property cannot be moved to that agreement.",
    "properties.request.kind.primary_account": "Request a primary account",
    "properties.request.kind.ownership_change": "Request a change of ownership",
    "properties.request.kind.terminate_agreement": "Terminate the agreement",
    "properties.request.status.open": "Received",
    "properties.request.status.approved": "Done",
    "properties.request.status.rejected": "Declined",
    "properties.request.status.withdrawn": "Withdrawn",
    "properties.request.col.kind": "Request",
    "properties.request.col.status": "Status",
    "properties.request.col.created": "Sent",
    "properties.request.col.detail": "Concerns",
    "properties.support.title": "Property requests",
    "properties.support.approve": "Approve",
    "properties.support.reject": "Decline",
    "properties.support.agreement": "Agreement ID for request {id}",
    "properties.support.none": "No open property requests.",
    "properties.support.col.organisation": "Organisation",
    "properties.support.col.requester": "Requested by",
    "properties.support.done": "The request has been handled.",
    "properties.support.linked": "The property is linked to the primary account.",
    "properties.support.exception_title": "Link a property outside the agreement",
    "properties.support.exception_username": "Primary account (username)",
    "properties.support.exception_reason": "Reason",
    "properties.support.exception_note": "Note (optional)",
    "properties.support.exception_submit": "Link the property",
    "properties.support.reason.support_added": "Added internally by us",
    "properties.support.reason.legacy_partner": "Existing partner from before the agreement-ID rule",
    "properties.mail.subject": "Invitation to properties",
    "properties.mail.body": (
        "{inviter} has invited you to create an account with access to: {properties}. "
        "The link is valid for {hours} hours."
    ),
    "properties.mail.action": "Create account",
    "audit.action.property_registered": "Registered a property",
    "audit.action.property_access_changed": "Changed access to a property",
    "audit.action.property_invitation_sent": "Invited a user to properties",
    "audit.action.property_invitation_accepted": "Accepted an invitation to properties",
    "audit.action.property_request_created": "Sent a property request",
    "audit.action.property_request_handled": "Handled a property request",
    "audit.action.property_moved": "Moved a property to another agreement",
    "audit.action.property_exception_linked": "Linked a property outside the agreement",
}
