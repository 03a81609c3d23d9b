"""Real receivers on 127.0.0.1 for the notification tests: an SMTP server (aiosmtpd), a chat
webhook (an HTTP server), and ``manage.py db_worker`` run as its own process."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

from issues.models import Notification

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout=30, step=0.1):
    """Wait for ``condition()`` to be true; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


class SMTPReceiver:
    """An SMTP server that keeps every message it accepts; can be stopped and started again
    on the same port (stopped, connections are refused)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [message for recipients, message in self.messages if address in recipients]


class WebhookReceiver:
    """A Slack-compatible incoming webhook: keeps the JSON of each post. ``fail`` answers
    that many posts with 503 first; ``stop`` closes the port."""

    def __init__(self):
        self.port = free_port()
        self.posts = []
        self.fail = 0
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/services/T0/B0/secret"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail:
                    receiver.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                receiver.posts.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def database_url():
    """The URL of the test database this process uses, for a worker process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


class WorkerProcess:
    """``python manage.py db_worker`` on the test database, with retries made fast."""

    def __init__(self, smtp, webhook=None, **env):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "3",
            "DSKIT_SLACK_WEBHOOK_URL": webhook.url if webhook else "",
            "DSKIT_WEBHOOK_TIMEOUT": "3",
            "DSKIT_BASE_URL": "https://dskit.example.org",
            "DSKIT_NOTIFY_RETRY_BASE_SECONDS": "1",
            "DSKIT_NOTIFY_RETRY_MAX_SECONDS": "2",
            "DJANGO_LOG_LEVEL": "WARNING",
            **env,
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.stderr.read().decode() if self.process else ""


def sent(**filters):
    return sorted((n.kind, n.channel, n.address) for n in Notification.objects.filter(**filters))
