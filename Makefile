# The two commands (see README):
#   make demo   set up, import the bundled samples, export the decision register
#   make test   set up and run the whole test suite
.PHONY: setup demo test serve clean

setup:
	./scripts/setup

demo: setup
	./scripts/demo

test: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

serve: demo
	.venv/bin/protokoll serve protokoll.db --archive samples

clean:
	rm -rf protokoll.db protokoll.db-wal protokoll.db-shm build *.egg-info
