"""The WSGI entry point: `waitress-serve app:app`, `flask --app app ...`."""
from complaints import create_app

app = create_app()
