"""English texts for validation messages (admin_portal.validation).

Shown at the field: each says what is wrong and how to fix it. The texts use no
{placeholders}: callers may translate a key without its params.
"""

MESSAGES: dict[str, str] = {
    # First name, Last name
    "name.required": "Enter the name. It cannot be empty or only spaces.",
    "name.too_long": "The name is too long. It can be at most 100 characters.",
    "name.invalid": "The name must contain at least one letter and no control characters or other invisible characters. Type the name again.",
    # Username
    "username.required": "Enter a username.",
    "username.too_short": "The username is too short. It must be at least 2 characters.",
    "username.too_long": "The username is too long. It can be at most 100 characters.",
    "username.invalid_chars": "The username can only contain letters, digits and the characters . (full stop), _ (underscore), - (hyphen) and @. Spaces are not allowed.",
    # E-mail
    "email.required": "Enter an e-mail address.",
    "email.invalid": "The e-mail address is not valid. Write it as name@example.com: no spaces, with one @ and a domain after the @, such as example.com.",
    "email.too_long": "The e-mail address is too long. It can be at most 254 characters, of which at most 64 before the @.",
    # Mobile number
    "phone.required": "Enter a mobile number.",
    "phone.format": "This does not look like a phone number. Use digits only, optionally with spaces or hyphens, for example 070-123 45 67 or +46 70 123 45 67.",
    "phone.invalid": "The number is not a valid phone number. Check the digits. For a number outside Sweden, start with the country code after 00 or +, for example +49 151 1234 5678.",
    "phone.not_mobile": "The number does not reach a mobile phone. Enter a mobile number that can receive text messages, for example 070-123 45 67.",
    # Personal identity number / coordination number
    "national_id.required": "Enter a personal identity number or coordination number.",
    "national_id.format": "Enter the personal identity number or coordination number as 10 or 12 digits, for example YYMMDD-NNNN or YYYYMMDDNNNN.",
    "national_id.date": "The date in the number does not exist. Check the year, month and day. In a coordination number the day is the day of birth plus 60 (61–91).",
    "national_id.checksum": "The check digit (the last digit) does not match. Check that every digit of the number is right.",
    "national_id.future": "The date of birth is in the future. Check the year.",
}
