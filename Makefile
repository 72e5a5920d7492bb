# The project's verbs. Every target creates .venv first when it is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv demo test notebooks sandbox-engine sandbox-image compat bench inbox

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

## demo: run every lesson offline and print who spoke and where the human was asked
demo: $(STAMP)
	$(PY) -m hitl_modes demo

## test: the whole pytest suite (no API key, no stdin, no network)
test: $(STAMP)
	$(PY) -m pytest -n auto

## notebooks: regenerate notebooks/ from the lesson scripts (the one source)
notebooks: $(STAMP)
	$(PY) -m hitl_modes notebooks

## inbox: serve the approval inbox on 127.0.0.1:8765 (lesson 11); open the link it prints
inbox: $(STAMP)
	$(PY) -m hitl_modes inbox

## sandbox-engine: make sure a Docker engine answers (starts dockerd in the background when installed; root)
sandbox-engine: $(STAMP)
	$(PY) -m hitl_modes sandbox start-engine

## sandbox-image: build the code sandbox's image from Debian packages (debootstrap; does nothing when present)
sandbox-image: sandbox-engine
	$(PY) -m hitl_modes sandbox build-image

## compat: semantics tests + every lesson under pyautogen 0.2.35, autogen-agentchat 0.2.40, ag2 0.14 (own venvs)
compat: $(STAMP)
	$(PY) -m hitl_modes.compat_matrix

## bench: start-up and test-suite timings (medians of 5 alternated runs; prints ratios and targets)
bench: $(STAMP)
	$(PY) -m hitl_modes.bench
