"""Import and export of the Anställda/användare template: reading and writing sheets,
the export, the import's preview and its application (a background job)."""
