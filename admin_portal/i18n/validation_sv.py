"""Svenska texts for validation messages (admin_portal.validation).

Shown at the field: each says what is wrong and how to fix it. The texts use no
{placeholders}: callers may translate a key without its params.
"""

MESSAGES: dict[str, str] = {
    # Förnamn, Efternamn
    "name.required": "Fyll i namnet. Det får inte vara tomt eller bara mellanslag.",
    "name.too_long": "Namnet är för långt. Det får vara högst 100 tecken.",
    "name.invalid": "Namnet måste innehålla minst en bokstav och får inte innehålla styrtecken eller andra osynliga tecken. Skriv in namnet igen.",
    # Användarnamn
    "username.required": "Fyll i ett användarnamn.",
    "username.too_short": "Användarnamnet är för kort. Det måste ha minst 2 tecken.",
    "username.too_long": "Användarnamnet är för långt. Det får vara högst 100 tecken.",
    "username.invalid_chars": "Användarnamnet får bara innehålla bokstäver, siffror och tecknen . (punkt), _ (understreck), - (bindestreck) och @. Mellanslag är inte tillåtna.",
    # E-post
    "email.required": "Fyll i en e-postadress.",
    "email.invalid": "E-postadressen är inte giltig. Skriv den som namn@exempel.se: utan mellanslag, med ett @ och en domän efter @, till exempel exempel.se.",
    "email.too_long": "E-postadressen är för lång. Den får vara högst 254 tecken, varav högst 64 före @.",
    # Mobilnummer
    "phone.required": "Fyll i ett mobilnummer.",
    "phone.format": "Det här ser inte ut som ett telefonnummer. Skriv bara siffror, gärna med mellanslag eller bindestreck, till exempel 070-123 45 67 eller +46 70 123 45 67.",
    "phone.invalid": "Numret är inte ett giltigt telefonnummer. Kontrollera siffrorna. Är det ett utländskt nummer, börja med landsnumret efter 00 eller +, till exempel +49 151 1234 5678.",
    "phone.not_mobile": "Numret går inte till en mobiltelefon. Ange ett mobilnummer som kan ta emot sms, till exempel 070-123 45 67.",
    # Personnummer/samordningsnummer
    "national_id.required": "Fyll i personnummer eller samordningsnummer.",
    "national_id.format": "Skriv personnumret eller samordningsnumret med 10 eller 12 siffror, till exempel ÅÅMMDD-NNNN eller ÅÅÅÅMMDDNNNN.",
    "national_id.date": "Datumet i numret finns inte. Kontrollera år, månad och dag. I ett samordningsnummer är dagen födelsedagen plus 60 (61–91).",
    "national_id.checksum": "Kontrollsiffran (den sista siffran) stämmer inte. Kontrollera att alla siffror i personnumret är rätt.",
    "national_id.future": "Födelsedatumet ligger i framtiden. Kontrollera årtalet.",
}
