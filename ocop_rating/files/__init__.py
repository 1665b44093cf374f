"""Uploaded files: checked by their content, stored once per content outside the web root.

There are no routes here on purpose: a file is only ever served by the feature it belongs to
(a dossier's evidence, a product photo), after that feature's own access check, through
``services.send_stored_file``.
"""
