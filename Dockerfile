# deepdaily in a container: the CLI is the entry point, /data holds everything that persists
# (deepdaily.toml, found there as the working directory, the database next to it, the Hugo
# site and the feeds).
#
#   docker build -t deepdaily .
#   docker run --rm -v "$PWD/data:/data" deepdaily demo
#   docker run --rm -v "$PWD/data:/data" -e DEEPSEEK_API_KEY deepdaily run --deliver
#
# Keys come from the environment (-e or --env-file), never from /data/deepdaily.toml.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends hugo git \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/deepdaily
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir -U 'pip>=23.3' \
    && pip install --no-cache-dir '.[llm,web]' \
    && useradd --create-home --uid 1000 deepdaily \
    && mkdir /data && chown deepdaily /data

USER deepdaily
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["deepdaily"]
CMD ["--help"]
