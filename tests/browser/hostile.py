"""Text a scenario author or a facilitator might paste: it must reach every page as text, never as live markup."""

HOSTILE_LINK = "[open the cable](javascript:window.__pwned=1)"
HOSTILE_DATA = "[see the map](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"
HOSTILE_HTML = '<img src=x onerror="window.__pwned=2"><b>raw markup</b>'
