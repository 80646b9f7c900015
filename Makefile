# Aliases for dev.py, which needs nothing but Python 3.11+ (it creates .venv on first use).
.PHONY: lab test lint demo bench
lab:   ; python3 dev.py lab
test:  ; python3 dev.py test
lint:  ; python3 dev.py lint
demo:  ; python3 dev.py demo
bench: ; python3 dev.py bench
