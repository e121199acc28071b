"""`postshelf serve`: one loaded archive shown to many readers, over SSH or in their browsers.

- `command.py`: the command line; loads the archive once, starts the servers, follows the files.
- `sessions.py`: the server's side of the session factory (start it, talk to it, clean up);
  `zygote.py`: the factory, the process that holds the archive and forks one child per reader;
  `session_process.py`: what that child does to become a reader's app (terminal, limits);
  `session_protocol.py`: the messages, limits and exit statuses the three share.
- `session_app.py`: the app as a remote reader gets it (nothing written but their own state).
- `gate.py`: SSH connections before login (caps per address and in all, grace time).
- `ssh.py`: the SSH server (asyncssh): listens through the gate, starts handshakes;
  `ssh_hub.py`: what connections share (rules, who is on, idle and shutdown);
  `ssh_connection.py`: one connection (login, limits per connection and key, its log line);
  `ssh_session.py`: one session channel relayed to its pseudo-terminal.
- `keys.py`: the host key and authorized_keys, read as sshd reads them.
- `web.py`: the browser front end (textual-serve) behind a token login; `web_session.py` is the
  tiny per-browser helper.
- `logs.py`: the log, and the one function that escapes what clients send.
- `durations.py`: durations as the command line takes them and messages show them.

See the README ("Serving an archive to a team") for how to use it, what is exposed and how it
is protected.
"""
