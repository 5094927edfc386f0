"""English messages for Kontaktcenter (seed 003, issue 16)."""

MESSAGES: dict[str, str] = {
    "audit.action.agent_moved": "Moved an agent to another user group",
    "audit.action.agent_profiles_changed": "Changed an agent's profiles",
    "audit.action.agent_queue_changed": "Agent logged in to or out of a queue",
    "api_clients.scope.telephony": "Telephony: log agents in to and out of queues",
    "audit.action.one_time_password_sent": "One-time password sent",
    "audit.action.one_time_password_used": "One-time password used",
    "mail.one_time_password.subject": "Your one-time password",
    "one_time_password.message": (
        "Your one-time password is {code}. It is valid for {minutes} minutes and can be used "
        "once. Enter it on the One-time password page and then choose a new password."
    ),
    "one_time_password.title": "One-time password",
    "one_time_password.link": "Need a new password? Get a one-time password by e-mail or SMS",
    "one_time_password.intro": (
        "Enter your username and choose how to get the one-time password. With it you then "
        "choose a new password."
    ),
    "one_time_password.username": "Username",
    "one_time_password.channel": "Send to",
    "one_time_password.channel_email": "E-mail",
    "one_time_password.channel_sms": "SMS",
    "one_time_password.send": "Send one-time password",
    "one_time_password.sent": (
        "If the username exists and has an e-mail address or a mobile number for the chosen "
        "way, we have sent a one-time password. It is valid for {minutes} minutes."
    ),
    "one_time_password.code": "One-time password",
    "one_time_password.continue": "Continue",
    "one_time_password.invalid": (
        "The one-time password is wrong, already used or expired. Ask for a new one."
    ),
    "one_time_password.channel_required": "Choose e-mail or SMS.",
    "one_time_password.back_to_login": "To the login",
    "own_contact.title": "E-mail or mobile number for one-time passwords",
    "own_contact.intro": (
        "Your account has neither an e-mail address nor a mobile number. Add one of them so "
        "that you can get a one-time password when you need a new password. We send a code "
        "there first."
    ),
    "own_contact.kind": "Add",
    "own_contact.kind_email": "E-mail",
    "own_contact.kind_mobile": "Mobile number",
    "own_contact.value": "E-mail address or mobile number (00 and country code)",
    "own_contact.send": "Send code",
    "own_contact.sent": "We have sent a code to {value}. It is valid for 30 minutes.",
    "own_contact.code": "Code",
    "own_contact.confirm": "Confirm",
    "own_contact.confirmed": "Done. You can now get one-time passwords there.",
    "own_contact.subject": "Your code",
    "own_contact.message": (
        "Your code is {code}. Enter it on My account within {minutes} minutes to add this "
        "contact detail."
    ),
    "own_contact.has_contact": (
        "The account already has an e-mail address or a mobile number. Ask an administrator "
        "to change them."
    ),
    "own_contact.invalid_code": "The code is wrong or has expired. Ask for a new one.",
    "own_contact.kind_required": "Choose e-mail or mobile number.",
    "dev_sms.title": "Local SMS",
    "dev_sms.none": "No SMS.",
    "dev_sms.unavailable": "SMS go out through a provider here: there are no local SMS.",
    "dev_sms.time": "Time",
    "dev_sms.to": "To",
    "dev_sms.status": "Status",
    "dev_sms.body": "Text",
    "audit.action.agent_settings_changed": "Changed an agent's own values or resource filters",
    "contact_centre.own_value_for": "Own value for {setting}",
    "contact_centre.save_own_value": "Save own value",
    "contact_centre.save_own_value_for": "Save own value for {setting}",
    "contact_centre.inherit": "Inherit from the group",
    "contact_centre.inherit_for": "Inherit {setting} from the group",
    "contact_centre.setting_saved": "The setting has been saved.",
    "contact_centre.setting_invalid": "Enter a whole number from 0 to 3600 seconds.",
    "contact_centre.own_filter": "Own resource filter",
    "contact_centre.add_own_filter": "Add own resource filter",
    "contact_centre.remove_own_filter": "Remove the resource filter {name}",
    "contact_centre.filter_invalid": "Give the resource filter a name (at most 100 characters).",
    "contact_centre.agent_company_is_groups": (
        "The agent belongs to a user group in another company. Change group and company with "
        "Move under Kontaktcenter (Contact centre), which shows what the move changes."
    ),
    "contact_centre.in_queue_remove": (
        "The agent is logged in to a queue and cannot be removed. The agent must log out of "
        "the queue first."
    ),
    "contact_centre.save_details": "Save agent details",
    "contact_centre.edit_in_users": "Names, e-mail and mobile number are changed under Users",
    "contact_centre.title": "Contact centre",
    "contact_centre.agents": "Agents",
    "contact_centre.intro": (
        "Agents are the users of the contact centre. They inherit the settings of their "
        "user group unless they have an own value."
    ),
    "contact_centre.add_agent": "Add agent",
    "contact_centre.search": "Search",
    "contact_centre.search_label": "Search by name, username or numeric ID",
    "contact_centre.group_filter": "User group",
    "contact_centre.all_groups": "All user groups",
    "contact_centre.queue_filter": "Queue",
    "contact_centre.queue_any": "All",
    "contact_centre.queue_in": "Logged in to a queue",
    "contact_centre.queue_out": "Not logged in to a queue",
    "contact_centre.col_numeric_id": "Numeric ID",
    "contact_centre.col_name": "Name",
    "contact_centre.col_username": "Username",
    "contact_centre.col_group": "User group",
    "contact_centre.col_queue": "Queue",
    "contact_centre.in_queue_yes": "Logged in to a queue",
    "contact_centre.in_queue_no": "–",
    "contact_centre.none": "No agents match.",
    "contact_centre.page_of": "Page {page} of {pages} ({total} agents)",
    "contact_centre.previous": "Previous",
    "contact_centre.next": "Next",
    "contact_centre.first_name": "First name*",
    "contact_centre.last_name": "Last name*",
    "contact_centre.username": "Username*",
    "contact_centre.numeric_id": "Numeric ID",
    "contact_centre.see_used_ids": "See used IDs",
    "contact_centre.used_ids": "Used IDs: {ranges}",
    "contact_centre.used_ids_none": "No numeric IDs are used yet.",
    "contact_centre.next_free": "Next free: {value}",
    "contact_centre.use_next_free": "Use {value}",
    "contact_centre.email": "E-mail",
    "contact_centre.login_id_is_email": "Login ID equal to e-mail address",
    "contact_centre.mobile": "Mobile number",
    "contact_centre.mobile_hint": "With 00 and the country code, e.g. 0046701234567.",
    "contact_centre.group": "User group*",
    "contact_centre.choose_group": "Choose a user group",
    "contact_centre.language": "Language*",
    "contact_centre.keywords": "Keywords",
    "contact_centre.user_type": "User type",
    "contact_centre.user_type_value": "Agent (contact centre)",
    "contact_centre.login_id": "Login ID",
    "contact_centre.external_ids": "External user IDs",
    "contact_centre.external_system": "System",
    "contact_centre.external_id": "External ID",
    "contact_centre.add_external_id": "+",
    "contact_centre.add_external_id_label": "Add an external user ID",
    "contact_centre.remove_external_id": "Remove external user ID {n}",
    "contact_centre.no_password_note": (
        'No password is set here. Ask the agent to choose "Forgot password?" on the '
        "login page to choose their password."
    ),
    "contact_centre.group_profiles": "Group profiles",
    "contact_centre.group_profiles_hint": "Tick the profiles of the user group the agent gets.",
    "contact_centre.group_profiles_none": "The user group has no profiles.",
    "contact_centre.choose_group_first": "Choose a user group to see its profiles.",
    "contact_centre.skills_of": "Skills of {name}",
    "contact_centre.skill_level": "{skill} (level {level})",
    "contact_centre.save_agent": "Save agent",
    "contact_centre.created": "The agent {name} has been added.",
    "contact_centre.back_to_list": "Back to the agents",
    "contact_centre.agent": "Agent",
    "contact_centre.settings": "Settings",
    "contact_centre.setting.phone_timeout_s": "Phone timeout (s)",
    "contact_centre.setting.wrap_up_s": "Wrap-up time (s)",
    "contact_centre.own_value": "own value",
    "contact_centre.inherited": "inherited from the user group",
    "contact_centre.resource_filters": "Resource filters",
    "contact_centre.no_filters": "No resource filters.",
    "contact_centre.logged_in_to": "Logged in to queue: {queues}",
    "contact_centre.not_logged_in": "Not logged in to any queue.",
    "contact_centre.save_group_profiles": "Save group profiles",
    "contact_centre.group_profiles_saved": "The group profiles have been saved.",
    "contact_centre.personal_profiles": "Personal profiles",
    "contact_centre.personal_profiles_hint": (
        "Profiles only this agent has. Remember to save after changing skills or levels."
    ),
    "contact_centre.personal_profiles_none": "The agent has no personal profiles.",
    "contact_centre.new_profile": "New personal profile",
    "contact_centre.edit_profile": "Edit",
    "contact_centre.edit_profile_label": "Edit the profile {name}",
    "contact_centre.delete_profile": "Remove",
    "contact_centre.delete_profile_label": "Remove the profile {name}",
    "contact_centre.profile_name": "Profile name",
    "contact_centre.skill": "Skill",
    "contact_centre.level": "Level (1–9)",
    "contact_centre.level_for": "Level for {skill}",
    "contact_centre.use_skill": "Use {skill}",
    "contact_centre.save_profile": "Save profile",
    "contact_centre.cancel": "Cancel",
    "contact_centre.profile_saved": "The profile has been saved.",
    "contact_centre.profile_deleted": "The profile has been removed.",
    "contact_centre.unsaved": "You have unsaved changes.",
    "contact_centre.unsaved_leave": (
        "You have unsaved changes in a personal profile. Leave the page anyway?"
    ),
    "contact_centre.move": "Move",
    "contact_centre.move_title": "Move to another user group",
    "contact_centre.move_to": "New user group",
    "contact_centre.preview_move": "Show what changes",
    "contact_centre.move_from_to": "From {from_group} to {to_group}",
    "contact_centre.profiles_lost": "Profiles that go",
    "contact_centre.profiles_gained": "Profiles that come",
    "contact_centre.own_values_kept": "Own values that stay",
    "contact_centre.inherited_changed": "Inherited values that change",
    "contact_centre.value_change": "{setting}: {before} → {after}",
    "contact_centre.value_kept": "{setting}: {value}",
    "contact_centre.own_filters_kept": "Own resource filters that stay",
    "contact_centre.filters_lost": "Inherited resource filters that go",
    "contact_centre.filters_gained": "Inherited resource filters that come",
    "contact_centre.nothing": "None",
    "contact_centre.tell_agent": (
        "Remember to tell the agent about the move: the profiles the agent can use change."
    ),
    "contact_centre.confirm_move": "Move the agent",
    "contact_centre.moved": "The agent has been moved to {group}.",
    "contact_centre.remove": "Remove agent",
    "contact_centre.removed": "The agent has been removed (kept in the user bank).",
    "contact_centre.in_queue": (
        "The agent is logged in to a queue ({queues}) and cannot be removed or moved to "
        "another user group. The agent must log out of the queue first."
    ),
    "contact_centre.email_or_mobile": "Enter an e-mail address or a mobile number",
    "contact_centre.numeric_id_invalid": "The numeric ID must be a whole number from 1 to 999999999.",
    "contact_centre.numeric_id_taken": "The numeric ID is already used in the organisation.",
    "contact_centre.numeric_id_free": "The numeric ID is free.",
    "contact_centre.group_required": "Choose a user group.",
    "contact_centre.login_id_taken": "The login ID is already used in the organisation.",
    "contact_centre.login_id_too_long": "The login ID is too long (at most 254 characters).",
    "contact_centre.keywords_too_long": "The keywords are too long (at most 500 characters).",
    "contact_centre.external_id_invalid": (
        "Give both system and ID for every external user ID, without duplicates."
    ),
    "contact_centre.external_id_taken": (
        "The external user ID is already used for that system in the organisation."
    ),
    "contact_centre.profiles_invalid": "The profiles do not belong to the user group.",
    "contact_centre.skills_invalid": "Unknown skill or invalid level.",
    "contact_centre.skill_level_range": "The level must be from 1 to 9.",
    "contact_centre.skills_required": "Choose at least one skill.",
    "contact_centre.profile_name_required": "Give the profile a name.",
    "contact_centre.profile_name_too_long": "The name is too long (at most 100 characters).",
    "contact_centre.too_many_profiles": "The agent already has as many personal profiles as allowed.",
    "contact_centre.move_same_group": "The agent is already in that user group.",
    "contact_centre.email_taken_in_group_company": (
        "The agent's e-mail address is already used by someone in the user group's company."
    ),
    "contact_centre.queue_unknown": "Unknown queue or numeric ID.",
    "contact_centre.queue_action_invalid": "Give action login or logout.",
}
