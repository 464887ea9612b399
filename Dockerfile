# The STEMinist Mentor Bot in a container: polling by default, the webhook with WEBHOOK_URL set.
#
#   docker build -t steminist-bot .
#   docker volume create steminist-data
#   docker run -d --name steminist-bot --restart unless-stopped --env-file .env \
#       -v steminist-data:/data steminist-bot
#
# The database lives on the /data volume; see docs/deploy.md for webhooks, backups and upgrades.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
COPY handlers/__init__.py handlers/__init__.py
RUN pip install -e .

# The code, the story cards and the catalogs (compiled here: *.mo files are not in git).
COPY bot ./bot
COPY handlers ./handlers
COPY stories ./stories
COPY locales ./locales
RUN pybabel -q compile -d locales -D messages \
    && python -m bot stories check

# A user without privileges, and the database on a volume it owns.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin steminist \
    && mkdir /data && chown steminist:steminist /data
USER steminist
ENV DATABASE_PATH=/data/bot.sqlite3 \
    PORT=8080
VOLUME ["/data"]
EXPOSE 8080

# In webhook mode /healthz answers 200 only while the database answers and the scheduler runs;
# in polling mode there is no port to ask, and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-c", \
    "import os, urllib.request; os.environ.get('WEBHOOK_URL') and urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8080'), timeout=4)"]

# SIGTERM (docker stop) lets the bot finish what it is doing and exit 0, in seconds.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
