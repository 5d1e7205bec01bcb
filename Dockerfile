# One image for web, worker and beat. Front-end assets come from the Python packages (no CDN).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DEBUG=true python manage.py compilemessages --ignore=.venv -v0 \
 && SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --no-input -v0
RUN useradd --create-home partnercenter && mkdir -p /app/var && chown -R partnercenter /app/var
USER partnercenter
EXPOSE 8000
CMD ["gunicorn", "partnercenter.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
