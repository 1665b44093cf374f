"""The baseline of the HTTP benchmarks: a bare Flask route returning "ok", served by the same
gunicorn setup as the application (``gunicorn benchmarks.bare_app:app``)."""
from flask import Flask

app = Flask(__name__)


@app.get("/ok")
def ok():
    return "ok"
