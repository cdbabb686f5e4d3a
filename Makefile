# The one command runner for people and CI. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_ADDR ?= 127.0.0.1:8000
# Tests run against the real services; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/convoy
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# settings refuse to start without a key unless DEBUG is on; tests and benchmarks run with DEBUG off
TEST_SECRET_KEY ?= convoy-tests-and-benchmarks-only-not-a-secret

.PHONY: help install demo test test-sqlite lint format check-compose bench-import bench-import-limits bench-schedule bench-embedded bench-darp bench-api bench-map bench-disruption bench-repair bench-notifications fuzz clean

help:
	@echo "make demo          install, load the demo conference and serve it on http://$(DEMO_ADDR)/"
	@echo "make test          run the test suite on PostgreSQL and Redis ($(TEST_DATABASE_URL))"
	@echo "make test-sqlite   run the test suite on SQLite"
	@echo "make lint          ruff check and format check, and the import contracts (lint-imports)"
	@echo "make check-compose docker compose config on docker-compose.yml"
	@echo "make bench-import  time the import of ../shared/scenarios/panama-summit on SQLite and PostgreSQL"
	@echo "make bench-import-limits time and memory to refuse a 50 MB and a 3,000,000-row file (service and upload)"
	@echo "make bench-schedule recompute panama-small in-process and panama-summit on two Celery workers"
	@echo "make bench-embedded status-post latency of the embedded default (make demo) while a summit recompute runs"
	@echo "make bench-disruption live re-planning drills on panama-small and panama-summit (collateral, frozen, time)"
	@echo "make bench-repair  repair time through the app (API to published) on the embedded default and on 2 Celery workers"
	@echo "make bench-notifications webhook latency, a receiver down 5 min, a worker killed mid-burst; e-mails per person"
	@echo "make bench-darp    the optimiser on the Cordeau dial-a-ride instances, 10 s each"
	@echo "make bench-api     requests/s of the itinerary and vehicle-status API against /api/v1/me (gunicorn, wrk), 3 rounds"
	@echo "make bench-map     time the map page drawing 150 vehicles, every venue and 1,000 routes in headless Chromium"
	@echo "make fuzz TOKEN=KEY schemathesis against the API of the server make demo runs (it prints an organizer's token)"

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

# the embedded default: SQLite, and a Celery worker (with its beat) on a broker in files, beside the web server
demo: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo --address $(DEMO_ADDR)
	DEBUG=1 $(PY) -m celery -A convoy worker --beat --pool=threads --concurrency=2 --loglevel=WARNING & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(DEMO_ADDR)

test: install
	SECRET_KEY=$(TEST_SECRET_KEY) DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest --create-db $(PYTEST_ARGS)

test-sqlite: install
	SECRET_KEY=$(TEST_SECRET_KEY) DATABASE_URL= REDIS_URL= $(PY) -m pytest --create-db $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-compose: install
	SECRET_KEY=compose-config-check "$$($(PY) -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).with_name("docker-compose"))')" -f docker-compose.yml config --quiet
	@echo "docker-compose.yml: accepted by docker compose config"

bench-import: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/import_scenario.py ../shared/scenarios/panama-summit --database sqlite --database $(TEST_DATABASE_URL)

bench-import-limits: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/import_limits.py

bench-schedule: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/schedule.py ../shared/scenarios/panama-small
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/schedule.py ../shared/scenarios/panama-summit --database $(TEST_DATABASE_URL) --broker redis://127.0.0.1:6379/14 --workers 2

bench-embedded: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/embedded_latency.py ../shared/scenarios/panama-summit

bench-darp: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/darp.py --time-limit 10

bench-api: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/api_throughput.py ../shared/scenarios/panama-small --database $(TEST_DATABASE_URL)_bench --rounds 3

bench-map: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/map_render.py ../shared/scenarios/panama-summit --trips 1000 --rounds 5

# Longer fuzzing than tests/api/test_fuzz.py, against a server that is already running.
FUZZ_EXAMPLES ?= 100
fuzz: install
	$(VENV)/bin/schemathesis run http://$(DEMO_ADDR)/api/schema/ -H "Authorization: Token $(TOKEN)" \
		--generation-with-security-parameters false --max-examples $(FUZZ_EXAMPLES) \
		--checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

bench-disruption: install
	$(PY) benchmarks/disruption.py ../shared/scenarios/panama-small
	$(PY) benchmarks/disruption.py ../shared/scenarios/panama-summit

bench-notifications: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/notifications.py ../shared/scenarios/panama-small --database $(TEST_DATABASE_URL) --broker redis://127.0.0.1:6379/13

bench-repair: install
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/repair_app.py ../shared/scenarios/panama-small --mode embedded
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/repair_app.py ../shared/scenarios/panama-small --mode celery --database $(TEST_DATABASE_URL) --broker redis://127.0.0.1:6379/14
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/repair_app.py ../shared/scenarios/panama-summit --mode embedded
	SECRET_KEY=$(TEST_SECRET_KEY) $(PY) benchmarks/repair_app.py ../shared/scenarios/panama-summit --mode celery --database $(TEST_DATABASE_URL) --broker redis://127.0.0.1:6379/14
