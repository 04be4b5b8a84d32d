"""A local SMTP server started by the tests (RFC 5321's commands, as a relay answers them): it
keeps each message with the connection it came on, can close the connection after a number of
messages (as relays that limit messages per connection do), and can say nothing at all after
accepting a connection (a relay that hangs)."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading

import pytest


class _Session(socketserver.StreamRequestHandler):
    server: SMTPServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        smtp = self.server
        with smtp.lock:
            smtp.connections += 1
            number = smtp.connections
        if smtp.hang.is_set():
            smtp.released.wait(30)  # accepts the connection, never greets
            return
        self.reply("220 relay.test ESMTP")
        sent_here = 0
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-relay.test")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                if smtp.per_connection and sent_here >= smtp.per_connection:
                    self.reply("421 4.7.0 too many messages on this connection")
                    return
                sender, recipients = command[10:].strip("<> "), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<> "))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(data), policy=email.policy.default)
                with smtp.lock:
                    smtp.messages.append((number, sender, recipients, message))
                sent_here += 1
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Session)
        self.lock = threading.Lock()
        self.connections = 0
        self.messages: list = []  # (connection number, sender, recipients, message)
        self.per_connection = 0  # 0: no limit
        self.hang = threading.Event()
        self.released = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]


@pytest.fixture
def smtp_relay(settings):
    """The site's e-mail goes to a local SMTP server for the test."""
    server = SMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
