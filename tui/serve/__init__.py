"""`postshelf serve`: one loaded archive shown to many readers, over SSH or in their browsers.

- `command.py`: the command line; loads the archive once, starts the servers, follows the files.
- `sessions.py`: the process that holds the archive and forks one child per reader.
- `session_app.py`: the app as a remote reader gets it (nothing written but their own state).
- `gate.py`: SSH connections before login (caps per address and in all, grace time).
- `ssh.py`: the SSH server (asyncssh): pseudo-terminals, limits per connection and key.
- `keys.py`: the host key and authorized_keys, read as sshd reads them.
- `web.py`: the browser front end (textual-serve) behind a token login; `web_session.py` is the
  tiny per-browser helper.
- `logs.py`: the log, and the one function that escapes what clients send.

See the README ("Serving an archive to a team") for how to use it, what is exposed and how it
is protected.
"""
