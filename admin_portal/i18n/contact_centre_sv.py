"""Swedish messages for Kontaktcenter (seed 003, issue 16)."""

MESSAGES: dict[str, str] = {
    "audit.action.agent_moved": "Flyttade agent till annan användargrupp",
    "audit.action.agent_profiles_changed": "Ändrade agentens profiler",
    "audit.action.agent_queue_changed": "Agent loggade in eller ut ur kö",
    "api_clients.scope.telephony": "Telefoni: logga in och ut agenter ur köer",
    "audit.action.one_time_password_sent": "Engångslösenord skickat",
    "audit.action.one_time_password_used": "Engångslösenord använt",
    "mail.one_time_password.subject": "Ditt engångslösenord",
    "one_time_password.message": (
        "Ditt engångslösenord är {code}. Det gäller i {minutes} minuter och kan användas en "
        "gång. Ange det på sidan Engångslösenord och välj sedan ett nytt lösenord."
    ),
    "one_time_password.title": "Engångslösenord",
    "one_time_password.link": "Behöver nytt lösenord? Få ett engångslösenord via e-post eller sms",
    "one_time_password.intro": (
        "Ange ditt användarnamn och välj hur du vill få engångslösenordet. Med det väljer du "
        "sedan ett nytt lösenord."
    ),
    "one_time_password.username": "Användarnamn",
    "one_time_password.channel": "Skicka till",
    "one_time_password.channel_email": "E-post",
    "one_time_password.channel_sms": "Sms",
    "one_time_password.send": "Skicka engångslösenord",
    "one_time_password.sent": (
        "Om användarnamnet finns och har en e-postadress eller ett mobilnummer för det valda "
        "sättet har vi skickat ett engångslösenord. Det gäller i {minutes} minuter."
    ),
    "one_time_password.code": "Engångslösenord",
    "one_time_password.continue": "Fortsätt",
    "one_time_password.invalid": (
        "Engångslösenordet stämmer inte, är redan använt eller har gått ut. Be om ett nytt."
    ),
    "one_time_password.channel_required": "Välj e-post eller sms.",
    "one_time_password.back_to_login": "Till inloggningen",
    "own_contact.title": "E-post eller mobilnummer för engångslösenord",
    "own_contact.intro": (
        "Ditt konto saknar både e-postadress och mobilnummer. Lägg till något av dem så att "
        "du kan få ett engångslösenord om du behöver ett nytt lösenord. Vi skickar en kod "
        "dit först."
    ),
    "own_contact.kind": "Lägg till",
    "own_contact.kind_email": "E-post",
    "own_contact.kind_mobile": "Mobilnummer",
    "own_contact.value": "E-postadress eller mobilnummer (00 och landskod)",
    "own_contact.send": "Skicka kod",
    "own_contact.sent": "Vi har skickat en kod till {value}. Den gäller i 30 minuter.",
    "own_contact.code": "Kod",
    "own_contact.confirm": "Bekräfta",
    "own_contact.confirmed": "Klart. Nu kan du få engångslösenord dit.",
    "own_contact.subject": "Din kod",
    "own_contact.message": (
        "Din kod är {code}. Ange den på Mitt konto inom {minutes} minuter för att lägga till "
        "den här kontaktuppgiften."
    ),
    "own_contact.has_contact": (
        "Kontot har redan e-post eller mobilnummer. Be en administratör om att ändra dem."
    ),
    "own_contact.invalid_code": "Koden stämmer inte eller har gått ut. Be om en ny.",
    "own_contact.kind_required": "Välj e-post eller mobilnummer.",
    "dev_sms.title": "Lokala sms",
    "dev_sms.none": "Inga sms.",
    "dev_sms.unavailable": "Sms skickas via en leverantör här: det finns inga lokala sms.",
    "dev_sms.time": "Tid",
    "dev_sms.to": "Till",
    "dev_sms.status": "Status",
    "dev_sms.body": "Text",
    "audit.action.agent_settings_changed": "Ändrade agentens egna värden eller resursfilter",
    "contact_centre.own_value_for": "Eget värde för {setting}",
    "contact_centre.save_own_value": "Spara eget värde",
    "contact_centre.save_own_value_for": "Spara eget värde för {setting}",
    "contact_centre.inherit": "Ärv från gruppen",
    "contact_centre.inherit_for": "Ärv {setting} från gruppen",
    "contact_centre.setting_saved": "Inställningen är sparad.",
    "contact_centre.setting_invalid": "Ange ett heltal från 0 till 3600 sekunder.",
    "contact_centre.own_filter": "Eget resursfilter",
    "contact_centre.add_own_filter": "Lägg till eget resursfilter",
    "contact_centre.remove_own_filter": "Ta bort resursfiltret {name}",
    "contact_centre.filter_invalid": "Ge resursfiltret ett namn (högst 100 tecken).",
    "contact_centre.agent_company_is_groups": (
        "Agenten hör till en användargrupp i ett annat företag. Byt grupp och företag med "
        "Flytta under Kontaktcenter, så visas vad flytten ändrar."
    ),
    "contact_centre.in_queue_remove": (
        "Agenten är inloggad i kö och kan inte tas bort. Agenten måste först logga ut ur kön."
    ),
    "contact_centre.save_details": "Spara agentuppgifter",
    "contact_centre.edit_in_users": "Namn, e-post och mobilnummer ändras under Användare",
    "contact_centre.title": "Kontaktcenter",
    "contact_centre.agents": "Agenter",
    "contact_centre.intro": (
        "Agenter är användare i kontaktcentret. De ärver användargruppens inställningar om "
        "de inte har ett eget värde."
    ),
    "contact_centre.add_agent": "Lägg till agent",
    "contact_centre.search": "Sök",
    "contact_centre.search_label": "Sök på namn, användarnamn eller numeriskt ID",
    "contact_centre.group_filter": "Användargrupp",
    "contact_centre.all_groups": "Alla användargrupper",
    "contact_centre.queue_filter": "Kö",
    "contact_centre.queue_any": "Alla",
    "contact_centre.queue_in": "Inloggade i kö",
    "contact_centre.queue_out": "Inte inloggade i kö",
    "contact_centre.col_numeric_id": "Numeriskt ID",
    "contact_centre.col_name": "Namn",
    "contact_centre.col_username": "Användarnamn",
    "contact_centre.col_group": "Användargrupp",
    "contact_centre.col_queue": "Kö",
    "contact_centre.in_queue_yes": "Inloggad i kö",
    "contact_centre.in_queue_no": "–",
    "contact_centre.none": "Inga agenter matchar.",
    "contact_centre.page_of": "Sida {page} av {pages} ({total} agenter)",
    "contact_centre.previous": "Föregående",
    "contact_centre.next": "Nästa",
    "contact_centre.first_name": "Förnamn*",
    "contact_centre.last_name": "Efternamn*",
    "contact_centre.username": "Användarnamn*",
    "contact_centre.numeric_id": "Numeriskt ID",
    "contact_centre.see_used_ids": "Se använda ID",
    "contact_centre.used_ids": "Använda ID: {ranges}",
    "contact_centre.used_ids_none": "Inga numeriska ID används ännu.",
    "contact_centre.next_free": "Nästa lediga: {value}",
    "contact_centre.use_next_free": "Använd {value}",
    "contact_centre.email": "E-post",
    "contact_centre.login_id_is_email": "Inloggnings-ID samma som e-postadress",
    "contact_centre.mobile": "Mobilnummer",
    "contact_centre.mobile_hint": "Med 00 och landskod, t.ex. 0046701234567.",
    "contact_centre.group": "Användargrupp*",
    "contact_centre.choose_group": "Välj användargrupp",
    "contact_centre.language": "Språk*",
    "contact_centre.keywords": "Nyckelord",
    "contact_centre.user_type": "Användartyp",
    "contact_centre.user_type_value": "Agent (kontaktcenter)",
    "contact_centre.login_id": "Inloggnings-ID",
    "contact_centre.external_ids": "Externa användar-ID",
    "contact_centre.external_system": "System",
    "contact_centre.external_id": "Externt ID",
    "contact_centre.add_external_id": "+",
    "contact_centre.add_external_id_label": "Lägg till ett externt användar-ID",
    "contact_centre.remove_external_id": "Ta bort externt användar-ID {n}",
    "contact_centre.no_password_note": (
        "Inget lösenord anges här. Be agenten välja ”Glömt lösenord?” på inloggningssidan "
        "för att välja sitt lösenord."
    ),
    "contact_centre.group_profiles": "Gruppprofiler",
    "contact_centre.group_profiles_hint": "Markera de profiler i användargruppen som agenten ska ha.",
    "contact_centre.group_profiles_none": "Användargruppen har inga profiler.",
    "contact_centre.choose_group_first": "Välj användargrupp för att se dess profiler.",
    "contact_centre.skills_of": "Kompetenser i {name}",
    "contact_centre.skill_level": "{skill} (nivå {level})",
    "contact_centre.save_agent": "Spara agent",
    "contact_centre.created": "Agenten {name} är tillagd.",
    "contact_centre.back_to_list": "Tillbaka till agenterna",
    "contact_centre.agent": "Agent",
    "contact_centre.settings": "Inställningar",
    "contact_centre.setting.phone_timeout_s": "Timeout telefon (s)",
    "contact_centre.setting.wrap_up_s": "Efterbearbetningstid (s)",
    "contact_centre.own_value": "eget värde",
    "contact_centre.inherited": "ärvt från användargruppen",
    "contact_centre.resource_filters": "Resursfilter",
    "contact_centre.no_filters": "Inga resursfilter.",
    "contact_centre.logged_in_to": "Inloggad i kö: {queues}",
    "contact_centre.not_logged_in": "Inte inloggad i någon kö.",
    "contact_centre.save_group_profiles": "Spara gruppprofiler",
    "contact_centre.group_profiles_saved": "Gruppprofilerna är sparade.",
    "contact_centre.personal_profiles": "Personliga profiler",
    "contact_centre.personal_profiles_hint": (
        "Profiler som bara den här agenten har. Kom ihåg att spara när du har ändrat "
        "kompetenser eller nivåer."
    ),
    "contact_centre.personal_profiles_none": "Agenten har inga personliga profiler.",
    "contact_centre.new_profile": "Ny personlig profil",
    "contact_centre.edit_profile": "Ändra",
    "contact_centre.edit_profile_label": "Ändra profilen {name}",
    "contact_centre.delete_profile": "Ta bort",
    "contact_centre.delete_profile_label": "Ta bort profilen {name}",
    "contact_centre.profile_name": "Profilens namn",
    "contact_centre.skill": "Kompetens",
    "contact_centre.level": "Nivå (1–9)",
    "contact_centre.level_for": "Nivå för {skill}",
    "contact_centre.use_skill": "Använd {skill}",
    "contact_centre.save_profile": "Spara profil",
    "contact_centre.cancel": "Avbryt",
    "contact_centre.profile_saved": "Profilen är sparad.",
    "contact_centre.profile_deleted": "Profilen är borttagen.",
    "contact_centre.unsaved": "Du har ändringar som inte är sparade.",
    "contact_centre.unsaved_leave": (
        "Du har ändringar i en personlig profil som inte är sparade. Lämna sidan ändå?"
    ),
    "contact_centre.move": "Flytta",
    "contact_centre.move_title": "Flytta till en annan användargrupp",
    "contact_centre.move_to": "Ny användargrupp",
    "contact_centre.preview_move": "Visa vad som ändras",
    "contact_centre.move_from_to": "Från {from_group} till {to_group}",
    "contact_centre.profiles_lost": "Profiler som försvinner",
    "contact_centre.profiles_gained": "Profiler som tillkommer",
    "contact_centre.own_values_kept": "Egna värden som behålls",
    "contact_centre.inherited_changed": "Ärvda värden som ändras",
    "contact_centre.value_change": "{setting}: {before} → {after}",
    "contact_centre.value_kept": "{setting}: {value}",
    "contact_centre.own_filters_kept": "Egna resursfilter som behålls",
    "contact_centre.filters_lost": "Ärvda resursfilter som försvinner",
    "contact_centre.filters_gained": "Ärvda resursfilter som tillkommer",
    "contact_centre.nothing": "Inga",
    "contact_centre.tell_agent": (
        "Kom ihåg att berätta för agenten om flytten: de profiler agenten kan använda ändras."
    ),
    "contact_centre.confirm_move": "Flytta agenten",
    "contact_centre.moved": "Agenten är flyttad till {group}.",
    "contact_centre.remove": "Ta bort agent",
    "contact_centre.removed": "Agenten är borttagen (finns i användarbanken).",
    "contact_centre.in_queue": (
        "Agenten är inloggad i kö ({queues}) och kan inte tas bort eller flyttas till en annan "
        "användargrupp. Agenten måste först logga ut ur kön."
    ),
    "contact_centre.email_or_mobile": "Ange e-post eller mobilnummer",
    "contact_centre.numeric_id_invalid": "Numeriskt ID ska vara ett heltal från 1 till 999999999.",
    "contact_centre.numeric_id_taken": "Det numeriska ID:t används redan i organisationen.",
    "contact_centre.numeric_id_free": "Det numeriska ID:t är ledigt.",
    "contact_centre.group_required": "Välj en användargrupp.",
    "contact_centre.login_id_taken": "Inloggnings-ID:t används redan i organisationen.",
    "contact_centre.login_id_too_long": "Inloggnings-ID:t är för långt (högst 254 tecken).",
    "contact_centre.keywords_too_long": "Nyckelorden är för långa (högst 500 tecken).",
    "contact_centre.external_id_invalid": (
        "Ange både system och ID för varje externt användar-ID, utan dubbletter."
    ),
    "contact_centre.external_id_taken": (
        "Det externa användar-ID:t används redan för det systemet i organisationen."
    ),
    "contact_centre.profiles_invalid": "Profilerna hör inte till användargruppen.",
    "contact_centre.skills_invalid": "Okänd kompetens eller ogiltig nivå.",
    "contact_centre.skill_level_range": "Nivån ska vara från 1 till 9.",
    "contact_centre.skills_required": "Välj minst en kompetens.",
    "contact_centre.profile_name_required": "Ge profilen ett namn.",
    "contact_centre.profile_name_too_long": "Namnet är för långt (högst 100 tecken).",
    "contact_centre.too_many_profiles": "Agenten har redan så många personliga profiler som går.",
    "contact_centre.move_same_group": "Agenten är redan i den användargruppen.",
    "contact_centre.email_taken_in_group_company": (
        "Agentens e-postadress används redan av någon i användargruppens företag."
    ),
    "contact_centre.queue_unknown": "Okänd kö eller numeriskt ID.",
    "contact_centre.queue_action_invalid": "Ange action login eller logout.",
}
