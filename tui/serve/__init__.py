"""`postshelf serve`: one loaded archive shown to many readers, over SSH or in their browsers.

- `command.py`: the command line; loads the archive once, starts the servers.
- `sessions.py`: the process that holds the archive and forks one child per reader.
- `session_app.py`: the app as a remote reader gets it (nothing written but their own state).
- `ssh.py`: the SSH server (asyncssh): keys, pseudo-terminals, limits.
- `web.py`: the browser front end (textual-serve); `web_session.py` is the tiny per-browser helper.

See the README ("Serving an archive to a team") for how to use it and what a reader can and cannot do.
"""
