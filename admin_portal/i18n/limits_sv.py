"""Svenska texter för begränsningen av inloggnings- och återställningsförsök."""

MESSAGES: dict[str, str] = {
    "rate_limit.too_many": "För många försök. Vänta en stund och försök igen.",
}
