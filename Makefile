.PHONY: install start test bench ci typecheck
install: ; npm install
start: ; npm start
test: ; npm test
typecheck: ; npm run typecheck
bench: ; npm run bench
ci: ; bash .ci/run
