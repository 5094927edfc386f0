"""Business capabilities. Each function takes a session first, checks the actor, raises ServiceError."""
