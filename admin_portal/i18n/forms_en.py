"""English texts of issue 14's form items (see forms_sv.py)."""

MESSAGES: dict[str, str] = {
    "users.new_intro_one_company": "First name, Last name and Username are required. The company is preselected: {company}. Everything else can also be filled in later on the user's profile page.",
    "users.new_intro_unit": "First name, Last name, Username and Unit are required. The company follows from the unit. Everything else can also be filled in later on the user's profile page.",
    "change.title": "Confirm the change for {name}",
    "change.intro": "This is what happens when you save:",
    "change.type": "User type changes from {old} to {new}.",
    "change.placement": "Placement changes from {old} to {new}.",
    "change.placement_none": "no placement",
    "change.grants_lost": "Administrator rights that are removed:",
    "change.grant_gained": "Becomes administrator of {scope}.",
    "change.links_lost": "Links between care recipient and assistant that are removed:",
    "change.links_outside": "Links to people outside your scope that are removed too: {count}.",
    "change.confirm": "Confirm and save",
    "change.cancel": "Cancel",
    "change.impact_changed": "Something changed while you were confirming. Review the consequences again before saving.",
}
