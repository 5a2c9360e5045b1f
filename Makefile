# Thin wrappers over tasks.py, which needs only Python (no make) on a fresh machine.
.PHONY: demo test bench
demo:
	python3 tasks.py demo
test:
	python3 tasks.py test
bench:
	python3 tasks.py bench
