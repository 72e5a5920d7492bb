# The project's verbs. Every target creates .venv first when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv system demo test notebooks lab sandbox-engine sandbox-image compat bench inbox site

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

## demo: run every lesson offline and print who spoke and where the human was asked
demo: $(STAMP)
	$(PY) -m hitl_modes demo

## site: the course as a website in site/: every lesson executed offline (as demo runs them), rendered with
## all its output, the README and docs/, offline search; open site/index.html (docs/site.md). A failing lesson
## fails it, naming the lesson and the cell. SITE_ARGS=--fresh runs unchanged lessons again.
site: $(STAMP)
	$(PY) tools/site/build.py $(SITE_ARGS)

## system: the Debian packages the real-part tests use (chromium, debootstrap, docker.io, openssl), when missing.
## As root it installs them; otherwise it says what is missing (those tests then say so too).
system:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v debootstrap >/dev/null 2>&1 || missing="$$missing debootstrap"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	{ docker info >/dev/null 2>&1 || command -v dockerd >/dev/null 2>&1; } || missing="$$missing docker.io"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
		echo "make system: missing Debian packages:$$missing (install them as root: apt-get install$$missing)"; \
	fi

# Two pytest workers per core: about half of a test's time is spent waiting on the real processes it
# starts (kernels, servers, browsers, containers), and worksteal keeps every worker busy to the end.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')

## test: the whole pytest suite (no API key, no stdin, no network beyond this machine). On a fresh
## machine it first installs what the real-part tests use and builds the sandbox image (once).
test: $(STAMP) system
	@# Without an engine the sandbox tests skip and say why; a failed start must not stop the rest.
	-@$(MAKE) --no-print-directory sandbox-image
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

## notebooks: regenerate notebooks/ from the lesson scripts (the one source); restores used notebooks
notebooks: $(STAMP)
	$(PY) -m hitl_modes notebooks

## lab: JupyterLab on notebooks/, from .venv (kernel "Python 3 (ipykernel)"); adds --allow-root as root
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root)

## inbox: serve the approval inbox on 127.0.0.1:8765 (lesson 13); open the link it prints
inbox: $(STAMP)
	$(PY) -m hitl_modes inbox

## sandbox-engine: make sure a Docker engine answers (starts dockerd in the background when installed; root)
sandbox-engine: $(STAMP) system
	$(PY) -m hitl_modes sandbox start-engine

## sandbox-image: build the code sandbox's image from Debian packages (debootstrap; does nothing when present)
sandbox-image: sandbox-engine
	$(PY) -m hitl_modes sandbox build-image

## compat: semantics tests + every lesson under pyautogen 0.2.35, autogen-agentchat 0.2.40, ag2 0.14 (own venvs)
compat: $(STAMP)
	$(PY) tools/compat_matrix.py

## bench: start-up, test-suite, make site and make demo timings (medians of 5 alternated runs; ratios, targets)
bench: $(STAMP)
	$(PY) tools/bench.py
