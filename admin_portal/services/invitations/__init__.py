"""Min organisation: invitations (invite, lists, mail, delivery state), the unit switcher,
the service catalogue, accepting an invitation and Mina tjänster."""
