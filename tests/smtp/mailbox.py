"""A real SMTP server on loopback for the waiting-list tests (aiosmtpd, from .venv-tools).

Listens on 127.0.0.1 on a free port and prints JSON lines on stdout, flushed at once:
first {"port": N}, then one {"mail_from", "rcpt_tos", "data", "subject", "headers", "text"} per
message received: `data` the whole message as sent, `headers` each header (unfolded, decoded),
`text` the plain-text body decoded (no quoted-printable soft breaks). It accepts every message and stops when
its standard input closes or it is killed, so a test that dies leaves no server behind.

    .venv-tools/bin/python tests/smtp/mailbox.py
"""

import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.smtp import SMTP


class Mailbox:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        line = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.content.decode("utf-8", "replace"),
            "subject": str(message["subject"]),
            "headers": {name: str(value) for name, value in message.items()},
            "text": body.get_content() if body is not None else "",
        }
        print(json.dumps(line), flush=True)
        return "250 Message accepted for delivery"


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Mailbox(), hostname="mailbox.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    # Ends with the test: it closes our stdin (or dies, which closes it too).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
