"""The smallest WSGI app: what gunicorn serves at most on this machine, to compare cache hits with.

With ``TRIVIAL_PAGE`` naming a JSON file of ``{"headers": [[name, value], …], "body": hex}`` (a
page as the cache answered it, written by ``benchmarks/pages.py``), it sends those same bytes and
headers: the comparison a cache hit is measured against. Without it, three bytes.
"""

import json
import os

_page = os.environ.get("TRIVIAL_PAGE")
if _page:
    with open(_page) as file:
        _stored = json.load(file)
    BODY = bytes.fromhex(_stored["body"])
    HEADERS = [(name, value) for name, value in _stored["headers"]]
else:
    BODY = b"ok\n"
    HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
