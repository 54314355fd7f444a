"""The smallest WSGI app: what gunicorn serves at most on this machine, to compare cache hits with."""


def application(environ, start_response):
    body = b"ok\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
